//! `custody report certificate|manifest|stocktake`: core's document records mapped to the
//! custody-docs structs, sealed by core with the site key (the key never leaves core; the
//! issue is logged as a `document.issued` event), and written as PDF, CSV or JSON.
//!
//! Only the PDF carries the seal, so only a PDF issues (signs and logs) a document. CSV and
//! JSON are the same lists for spreadsheets and registries; they are not signed.

use crate::cmd_report::{Common, Format};
use crate::session::Context;
use anyhow::{anyhow, Context as _, Result};
use chrono::{DateTime, NaiveDate, Utc};
use custody_core::documents::{
    DocumentCheckpoint, DocumentIssue, DocumentItem, DocumentKind, DocumentPerson, Settled,
    StocktakeLine,
};
use custody_core::{Actor, Ledger, Resolution, Role};
use custody_docs::export::{items_csv, stocktake_csv, to_json, CsvOptions};
use custody_docs::{
    CheckpointRef, ContainerSeal, DestructionCertificate, DestructionMethod, Discrepancy,
    DuplicateScan, HandoverManifest, ItemLine, KeyId, Label, Language, Party, RenderOptions,
    ScrapDisposal, Seal, SealFields, Signatory, StocktakeCounters, StocktakeFinding,
    StocktakeReport, UnknownScan,
};

fn line(i: &DocumentItem) -> ItemLine {
    ItemLine {
        custody_code: i.code.clone(),
        item_type: i.item_type.clone(),
        make: i.make.clone(),
        model: i.model.clone(),
        calibre: i.calibre.clone(),
        serial: i.serial.clone(),
    }
}

/// A person's ledger roles in the document's language.
fn roles(p: &DocumentPerson, language: Language) -> String {
    p.roles
        .iter()
        .map(|r| {
            language.t(match r {
                Role::Officer => Label::RoleOfficer,
                Role::Custodian => Label::RoleCustodian,
                Role::Inspector => Label::RoleInspector,
                Role::Administrator => Label::RoleAdministrator,
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn signatory(p: &DocumentPerson, organisation: &str, language: Language) -> Signatory {
    Signatory {
        name: p.name.clone(),
        role: roles(p, language),
        organisation: organisation.to_string(),
    }
}

/// `resolution (reference): note` in the document's language (reference and note as typed).
fn settled(s: &Option<Settled>, language: Language) -> String {
    let Some(s) = s else {
        return String::new();
    };
    let mut text = language.t(match s.resolution {
        Resolution::FoundLater => Label::ResolutionFoundLater,
        Resolution::Moved => Label::ResolutionMoved,
        Resolution::ReportedLost => Label::ResolutionReportedLost,
        Resolution::DataErrorCorrected => Label::ResolutionDataErrorCorrected,
    });
    if !s.reference.is_empty() {
        text.push_str(&format!(" ({})", s.reference));
    }
    if !s.note.is_empty() {
        text.push_str(&format!(": {}", s.note));
    }
    text
}

fn actor_person(a: &Actor) -> DocumentPerson {
    DocumentPerson {
        id: a.person_id().to_string(),
        name: a.name.clone(),
        service_number: String::new(),
        roles: a.roles.clone(),
    }
}

fn checkpoint(cp: &DocumentCheckpoint) -> CheckpointRef {
    CheckpointRef {
        seq: cp.covered_seq as u64,
        head_hash: cp.head_hash,
    }
}

fn time(text: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| {
            format!("the ledger holds an unreadable time '{text}'; run custody verify")
        })?
        .with_timezone(&Utc))
}

/// A seal's document id: the Custody code, upper case, within the seal's character set.
fn document_id(code: &str) -> String {
    code.to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-' || *c == '/')
        .take(32)
        .collect()
}

/// Signs `fields` through core (which logs the issue) and checks the seal against the site's
/// own public key before anything is written.
fn seal(
    ledger: &mut Ledger,
    actor: &Actor,
    issue: DocumentIssue,
    fields: SealFields,
) -> Result<(Seal, i64)> {
    let public =
        custody_core::keys::parse_public_key(&ledger.public_key_hex()?).ok_or_else(|| {
            anyhow!("the site's public key in the ledger is damaged; run custody verify")
        })?;
    let key_id = KeyId::of(&public);
    let message = fields.signing_bytes(key_id)?;
    let issued = ledger.sign_document(actor, &issue, &message)?;
    let seal = Seal::from_signature(fields, key_id, issued.signature)?;
    seal.verify(&[(key_id, public)])
        .context("the new seal does not verify with the site's own key; the key file does not belong to this ledger")?;
    Ok((seal, issued.seq))
}

fn options(common: &Common) -> RenderOptions {
    RenderOptions {
        language: common.lang.language(),
        utc_offset_minutes: common.utc_offset_minutes,
    }
}

fn csv_options(common: &Common) -> CsvOptions {
    CsvOptions {
        excel_bom: true,
        language: Some(common.lang.language()),
    }
}

fn write(common: &Common, bytes: &[u8]) -> Result<()> {
    std::fs::write(&common.output, bytes)
        .with_context(|| format!("cannot write {}", common.output.display()))
}

fn issued(what: &str, id: &str, common: &Common, seal: Option<(&Seal, i64)>) {
    match seal {
        Some((seal, seq)) => println!(
            "{what} {id} issued to {} (logged as event {seq}, sealed at checkpoint {})\nSeal: {}",
            common.output.display(),
            seal.fields.checkpoint.seq,
            seal.text()
        ),
        None => println!(
            "{what} {id} list written to {} (unsigned export; issue the PDF for a sealed document)",
            common.output.display()
        ),
    }
}

/// What the three sealed documents share: a kind, an id, a seal, a PDF and a CSV list.
trait Sealable: serde::Serialize {
    const TITLE: &'static str;
    const KIND: DocumentKind;
    fn id(&self) -> &str;
    fn fields(&self) -> std::result::Result<SealFields, custody_docs::SealError>;
    fn pdf(&self, seal: &Seal, options: &RenderOptions) -> Result<Vec<u8>>;
    fn csv(&self, options: CsvOptions) -> String;
}

impl Sealable for DestructionCertificate {
    const TITLE: &'static str = "Destruction certificate";
    const KIND: DocumentKind = DocumentKind::DestructionCertificate;
    fn id(&self) -> &str {
        &self.certificate_id
    }
    fn fields(&self) -> std::result::Result<SealFields, custody_docs::SealError> {
        self.seal_fields()
    }
    fn pdf(&self, seal: &Seal, options: &RenderOptions) -> Result<Vec<u8>> {
        Ok(self.to_pdf(seal, options)?)
    }
    fn csv(&self, options: CsvOptions) -> String {
        items_csv(&self.items, options)
    }
}

impl Sealable for HandoverManifest {
    const TITLE: &'static str = "Handover manifest";
    const KIND: DocumentKind = DocumentKind::HandoverManifest;
    fn id(&self) -> &str {
        &self.manifest_id
    }
    fn fields(&self) -> std::result::Result<SealFields, custody_docs::SealError> {
        self.seal_fields()
    }
    fn pdf(&self, seal: &Seal, options: &RenderOptions) -> Result<Vec<u8>> {
        Ok(self.to_pdf(seal, options)?)
    }
    fn csv(&self, options: CsvOptions) -> String {
        items_csv(&self.items, options)
    }
}

impl Sealable for StocktakeReport {
    const TITLE: &'static str = "Stocktake report";
    const KIND: DocumentKind = DocumentKind::StocktakeReport;
    fn id(&self) -> &str {
        &self.stocktake_id
    }
    fn fields(&self) -> std::result::Result<SealFields, custody_docs::SealError> {
        self.seal_fields()
    }
    fn pdf(&self, seal: &Seal, options: &RenderOptions) -> Result<Vec<u8>> {
        Ok(self.to_pdf(seal, options)?)
    }
    fn csv(&self, options: CsvOptions) -> String {
        stocktake_csv(self, options)
    }
}

/// Writes `doc` in the chosen format. Only the PDF is sealed, which signs and logs the issue.
fn emit<D: Sealable>(
    ledger: &mut Ledger,
    actor: &Actor,
    common: &Common,
    doc: &D,
    subject: String,
) -> Result<()> {
    match common.format {
        Format::Pdf => {
            let issue = DocumentIssue {
                kind: D::KIND,
                document_id: doc.id().to_string(),
                subject,
            };
            let (seal, seq) = seal(ledger, actor, issue, doc.fields()?)?;
            write(common, &doc.pdf(&seal, &options(common))?)?;
            issued(D::TITLE, doc.id(), common, Some((&seal, seq)));
        }
        Format::Csv => {
            write(common, doc.csv(csv_options(common)).as_bytes())?;
            issued(D::TITLE, doc.id(), common, None);
        }
        Format::Json => {
            write(common, to_json(doc).as_bytes())?;
            issued(D::TITLE, doc.id(), common, None);
        }
    }
    Ok(())
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The issuing person signs as responsible official, unless they already sign the certificate
/// as operator or witness: one person must not appear in two roles, so the line is then left
/// for the official to fill in by hand.
fn responsible_official(
    actor: &Actor,
    d: &custody_core::documents::DestructionDocument,
    site_name: &str,
    language: Language,
) -> Signatory {
    let issuer = actor_person(actor);
    let signs_already = std::iter::once(&d.operator)
        .chain(&d.witnesses)
        .any(|p| p.id == issuer.id);
    if signs_already {
        Signatory {
            name: String::new(),
            role: String::new(),
            organisation: site_name.to_string(),
        }
    } else {
        signatory(&issuer, site_name, language)
    }
}

pub fn certificate(ctx: &Context, batch: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let d = ledger.destruction_document(&actor, batch)?;
    let language = common.lang.language();
    let site_name = ledger.site_name()?;
    let date = NaiveDate::parse_from_str(&d.record.date, "%Y-%m-%d")
        .with_context(|| format!("batch {} has an unreadable destruction date", d.code))?;
    let method = match d.record.method {
        custody_core::DestructionMethod::Cutting => DestructionMethod::Cutting,
        custody_core::DestructionMethod::Crushing => DestructionMethod::Crushing,
        custody_core::DestructionMethod::Shredding => DestructionMethod::Shredding,
        custody_core::DestructionMethod::Smelting => DestructionMethod::Smelting,
        custody_core::DestructionMethod::Detonation => DestructionMethod::Detonation,
    };
    let doc = DestructionCertificate {
        certificate_id: document_id(&d.code),
        site_name: site_name.clone(),
        site_id: ledger.site_id().to_string(),
        authority: d.authority.clone(),
        decision_reference: d.decision_reference.clone(),
        issued_on: today(),
        destruction_started: date,
        destruction_finished: date,
        place: d.record.place.clone(),
        method,
        equipment: d.record.equipment.clone(),
        scrap: ScrapDisposal {
            weight_kg: d.record.scrap_weight_kg.parse().unwrap_or(0.0),
            // The ledger records where the destruction took place, not a separate scrap
            // destination: the remains are printed as left at the place of destruction.
            delivered_to: d.record.place.clone(),
        },
        operator: signatory(&d.operator, &site_name, language),
        responsible_official: responsible_official(&actor, &d, &site_name, language),
        witnesses: d
            .witnesses
            .iter()
            .map(|w| signatory(w, &site_name, language))
            .collect(),
        items: d.items.iter().map(line).collect(),
        photo_digests: d.record.photo_digests.clone(),
        checkpoint: checkpoint(&d.checkpoint),
    };
    emit(&mut ledger, &actor, common, &doc, d.batch_id.clone())
}

pub fn manifest(ctx: &Context, manifest: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let m = ledger.handover_document(&actor, manifest)?;
    let language = common.lang.language();
    let cp =
        ledger.document_checkpoint(m.last_seq, &format!("handover manifest {} issued", m.code))?;
    let outgoing = m.direction == "out";
    let person = |p: &Option<DocumentPerson>| {
        p.as_ref()
            .map(|p| (p.name.clone(), roles(p, language)))
            .unwrap_or_default()
    };
    let (sender_person, sender_role) = if outgoing {
        person(&m.dispatched_by)
    } else {
        Default::default()
    };
    let (receiver_person, receiver_role) = if outgoing {
        Default::default()
    } else {
        person(&m.received_by)
    };
    let details = &m.details;
    // The ledger lists containers and seal numbers separately; paired one to one when the
    // numbers match, otherwise all seals are printed against each container.
    let containers = details
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| ContainerSeal {
            container_id: c.clone(),
            seal_numbers: if details.containers.len() == details.seals.len() {
                vec![details.seals[i].clone()]
            } else {
                details.seals.clone()
            },
            item_count: if details.containers.len() == 1 {
                m.items.len() as u32
            } else {
                0
            },
        })
        .collect();
    let doc = HandoverManifest {
        manifest_id: document_id(&m.code),
        site_name: ledger.site_name()?,
        site_id: ledger.site_id().to_string(),
        issued_on: today(),
        sender: Party {
            organisation: details.sender.clone(),
            person: sender_person,
            role: sender_role,
        },
        receiver: Party {
            organisation: details.receiver.clone(),
            person: receiver_person,
            role: receiver_role,
        },
        legal_basis: details.legal_basis.clone(),
        transport: details.transport.clone(),
        containers,
        items: m.items.iter().map(line).collect(),
        dispatched_at: time(&m.dispatched_at)?,
        received_at: m.received_at.as_deref().map(time).transpose()?,
        discrepancies: m
            .differences
            .iter()
            .map(|d| Discrepancy {
                subject: d.code.clone(),
                description: match d.kind.as_str() {
                    "missing" => "missing: on the manifest, not received".to_string(),
                    "extra" => "extra: received, not on the manifest".to_string(),
                    other => other.to_string(),
                },
                resolution: format!("recorded at receipt (ledger event {})", d.seq),
            })
            .collect(),
        checkpoint: checkpoint(&cp),
    };
    emit(&mut ledger, &actor, common, &doc, m.manifest_id.clone())
}

fn finding(l: &StocktakeLine, alarm: bool, language: Language) -> StocktakeFinding {
    let resolution = settled(&l.settled, language);
    StocktakeFinding {
        item: line(&l.item),
        expected_location: l.expected_location.clone(),
        found_location: l.counted_location.clone(),
        resolution: if alarm {
            format!("{}. {resolution}", language.t(Label::Alarm))
        } else {
            resolution
        },
    }
}

pub fn stocktake(ctx: &Context, stocktake: &str, common: &Common) -> Result<()> {
    let (mut ledger, actor) = ctx.login()?;
    let s = ledger.stocktake_document(&actor, stocktake)?;
    let site_name = ledger.site_name()?;
    // The function column names each signatory's part in this count, in the document's language.
    let language = common.lang.language();
    let part = |p: &DocumentPerson, label: Label| Signatory {
        name: p.name.clone(),
        role: language.t(label),
        organisation: site_name.clone(),
    };
    let mut signatories = vec![
        part(&s.counter, Label::CountedBy),
        part(&s.cosigner, Label::CoSignedBy),
    ];
    if actor.person_id() != s.counter.id && actor.person_id() != s.cosigner.id {
        signatories.push(part(&actor_person(&actor), Label::IssuedBy));
    }
    // Alarms (destroyed or transferred items that turned up) are printed and sealed with the
    // misplaced items: the seal format has five lists.
    let misplaced: Vec<StocktakeFinding> = s
        .misplaced
        .iter()
        .map(|l| finding(l, false, language))
        .chain(s.alarms.iter().map(|l| finding(l, true, language)))
        .collect();
    let doc = StocktakeReport {
        stocktake_id: document_id(&s.code),
        site_name: site_name.clone(),
        site_id: ledger.site_id().to_string(),
        issued_on: today(),
        scope: if s.whole_site {
            vec![site_name.clone()]
        } else {
            s.locations.clone()
        },
        opened_at: time(&s.opened_at)?,
        closed_at: time(&s.closed_at)?,
        counters: StocktakeCounters {
            expected: s.summary.expected as u32,
            found: s.summary.found as u32,
            missing: s.summary.missing as u32,
            misplaced: misplaced.len() as u32,
            unknown: s.summary.unknown as u32,
            duplicates: s.summary.duplicates as u32,
        },
        found: s.found.iter().map(|l| line(&l.item)).collect(),
        missing: s
            .missing
            .iter()
            .map(|l| finding(l, false, language))
            .collect(),
        misplaced,
        unknown: s
            .unknown
            .iter()
            .map(|u| UnknownScan {
                scanned_code: u.scanned.clone(),
                location: u.counted_location.clone(),
                resolution: settled(&u.settled, language),
            })
            .collect(),
        duplicates: s
            .duplicates
            .iter()
            .map(|l| DuplicateScan {
                item: line(&l.item),
                times_scanned: l.times_scanned as u32,
                resolution: settled(&l.settled, language),
            })
            .collect(),
        signatories,
        checkpoint: checkpoint(&s.checkpoint),
    };
    emit(&mut ledger, &actor, common, &doc, s.stocktake_id.clone())
}
