//! custody-issue: turns the ledger's document records into the documents people sign and file.
//!
//! Core gathers what a destruction certificate, handover manifest, stocktake report or item
//! history must say (and knows no PDF); custody-docs lays documents out and defines the seal
//! (and knows no ledger). This crate maps one onto the other, seals through core with the site
//! key (the key never leaves core, and the issue is logged as a `document.issued` event), and
//! checks the seal before handing back the bytes. The CLI and the kiosk both issue through it,
//! so a certificate printed at the kiosk is the same document as one from `custody report`.
//!
//! Only a PDF carries the seal, so only a PDF issues (signs and logs) a document. CSV and JSON
//! are the same lists for spreadsheets and registries; they are not signed.

use chrono::{DateTime, NaiveDate, Utc};
use custody_core::documents::{
    DocumentCheckpoint, DocumentIssue, DocumentItem, DocumentKind, DocumentPerson, Settled,
    StocktakeLine,
};
use custody_core::{Actor, CustodyError, Ledger, Resolution, Role};
use custody_docs::export::{
    disposition_csv, history_csv, items_csv, stocktake_csv, to_json, CsvOptions,
};
use custody_docs::{
    AmmunitionSection, CheckpointRef, ContainerSeal, DestructionCertificate, DestructionMethod,
    Discrepancy, DispositionReport, DispositionRow, DocumentError, DuplicateScan, HandoverManifest,
    HistoryEvent, ItemHistory, ItemLine, KeyId, Label, Language, LotQuantityLine, Party,
    ReleaseReceipt, RenderOptions, ScrapDisposal, Seal, SealError, SealFields, Signatory,
    StocktakeCounters, StocktakeFinding, StocktakeLotLine, StocktakeReport, UnknownScan, Words,
};

/// Why a document could not be issued. Nothing is written or logged in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error(transparent)]
    Core(#[from] CustodyError),
    #[error("the seal cannot be made: {0}")]
    Seal(#[from] SealError),
    #[error("the document cannot be laid out: {0}")]
    Document(#[from] DocumentError),
    /// The ledger holds something the document cannot print (run `custody verify`).
    #[error("{0}")]
    Damaged(String),
}

pub type Result<T> = std::result::Result<T, IssueError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// How to print: the language, the site's offset from UTC for printed times, the issue date.
#[derive(Debug, Clone, Copy)]
pub struct IssueOptions {
    pub language: Language,
    pub utc_offset_minutes: i32,
    pub format: Format,
    pub issued_on: NaiveDate,
}

impl IssueOptions {
    pub fn new(language: Language, format: Format) -> IssueOptions {
        IssueOptions {
            language,
            utc_offset_minutes: 60,
            format,
            issued_on: Utc::now().date_naive(),
        }
    }

    fn render(&self) -> RenderOptions {
        RenderOptions {
            language: self.language,
            utc_offset_minutes: self.utc_offset_minutes,
        }
    }

    fn csv(&self) -> CsvOptions {
        CsvOptions {
            excel_bom: true,
            language: Some(self.language),
        }
    }
}

/// The seal of an issued PDF and where its issue is logged.
#[derive(Debug, Clone)]
pub struct SealInfo {
    /// Ledger sequence of the `document.issued` event.
    pub issued_seq: i64,
    /// Sequence of the signed checkpoint the document is anchored to.
    pub checkpoint_seq: u64,
    /// The seal as printed in the QR code, for verifying by hand.
    pub text: String,
}

/// An issued document, ready to be written or printed.
#[derive(Debug, Clone)]
pub struct Issued {
    /// "Destruction certificate", "Handover manifest", "Stocktake report" or "Item history".
    pub title: &'static str,
    /// The document id printed on it (the Custody code of its subject, upper case).
    pub id: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    /// Present for a sealed PDF; CSV, JSON and item histories are not sealed.
    pub seal: Option<SealInfo>,
    /// For an item history: the checkpoint it was issued against.
    pub checkpoint_seq: u64,
}

impl Issued {
    /// A file name that says what the document is, with the code as printed on labels:
    /// `destruction-certificate-B-XXXXX-XXXXX-X.pdf`.
    pub fn file_name(&self) -> String {
        let slug = self.title.to_ascii_lowercase().replace(' ', "-");
        let code = custody_codes::LabelCode::parse(&self.id)
            .map(|c| c.display_form())
            .unwrap_or_else(|_| self.id.clone());
        format!("{slug}-{code}.{}", self.format.extension())
    }
}

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

/// Codes of the items whose records were amended after intake.
fn amended(items: &[DocumentItem]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.amended)
        .map(|i| i.code.clone())
        .collect()
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
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            IssueError::Damaged(format!(
                "the ledger holds an unreadable time '{text}'; run custody verify"
            ))
        })
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
/// own public key before anything is handed back.
fn seal(
    ledger: &mut Ledger,
    actor: &Actor,
    issue: DocumentIssue,
    fields: SealFields,
) -> Result<(Seal, i64)> {
    let public =
        custody_core::keys::parse_public_key(&ledger.public_key_hex()?).ok_or_else(|| {
            IssueError::Damaged(
                "the site's public key in the ledger is damaged; run custody verify".into(),
            )
        })?;
    let key_id = KeyId::of(&public);
    let message = fields.signing_bytes(key_id)?;
    let issued = ledger.sign_document(actor, &issue, &message)?;
    let seal = Seal::from_signature(fields, key_id, issued.signature)?;
    seal.verify(&[(key_id, public)]).map_err(|_| {
        IssueError::Damaged(
            "the new seal does not verify with the site's own key; the key file does not belong to this ledger".into(),
        )
    })?;
    Ok((seal, issued.seq))
}

/// What the three sealed documents share: a kind, an id, a seal, a PDF and a CSV list.
trait Sealable: serde::Serialize {
    const TITLE: &'static str;
    const KIND: DocumentKind;
    fn id(&self) -> &str;
    fn fields(&self) -> std::result::Result<SealFields, SealError>;
    fn pdf(&self, seal: &Seal, options: &RenderOptions) -> Result<Vec<u8>>;
    fn csv(&self, options: CsvOptions) -> String;
}

/// The three documents differ only in their title, kind, id field and CSV list.
macro_rules! sealable {
    ($doc:ty, $title:literal, $kind:ident, $id:ident, |$d:ident, $o:ident| $csv:expr) => {
        impl Sealable for $doc {
            const TITLE: &'static str = $title;
            const KIND: DocumentKind = DocumentKind::$kind;
            fn id(&self) -> &str {
                &self.$id
            }
            fn fields(&self) -> std::result::Result<SealFields, SealError> {
                self.seal_fields()
            }
            fn pdf(&self, seal: &Seal, options: &RenderOptions) -> Result<Vec<u8>> {
                Ok(self.to_pdf(seal, options)?)
            }
            fn csv(&self, $o: CsvOptions) -> String {
                let $d = self;
                $csv
            }
        }
    };
}

sealable!(
    DestructionCertificate,
    "Destruction certificate",
    DestructionCertificate,
    certificate_id,
    |d, o| items_csv(&d.items, o)
);
sealable!(
    HandoverManifest,
    "Handover manifest",
    HandoverManifest,
    manifest_id,
    |d, o| items_csv(&d.items, o)
);
sealable!(
    StocktakeReport,
    "Stocktake report",
    StocktakeReport,
    stocktake_id,
    |d, o| stocktake_csv(d, o)
);

sealable!(
    ReleaseReceipt,
    "Release receipt",
    ReleaseReceipt,
    receipt_id,
    |d, o| items_csv(std::slice::from_ref(&d.item), o)
);
sealable!(
    DispositionReport,
    "Disposition report",
    DispositionReport,
    report_id,
    |d, o| disposition_csv(d, o)
);

/// Renders `doc` in the chosen format. Only the PDF is sealed, which signs and logs the issue.
fn emit<D: Sealable>(
    ledger: &mut Ledger,
    actor: &Actor,
    options: &IssueOptions,
    doc: &D,
    subject: String,
) -> Result<Issued> {
    let checkpoint_seq = doc.fields()?.checkpoint.seq;
    let (bytes, seal) = match options.format {
        Format::Pdf => {
            let issue = DocumentIssue {
                kind: D::KIND,
                document_id: doc.id().to_string(),
                subject,
            };
            let (seal, seq) = seal(ledger, actor, issue, doc.fields()?)?;
            let bytes = doc.pdf(&seal, &options.render())?;
            let info = SealInfo {
                issued_seq: seq,
                checkpoint_seq: seal.fields.checkpoint.seq,
                text: seal.text().to_string(),
            };
            (bytes, Some(info))
        }
        Format::Csv => (doc.csv(options.csv()).into_bytes(), None),
        Format::Json => (to_json(doc).into_bytes(), None),
    };
    Ok(Issued {
        title: D::TITLE,
        id: doc.id().to_string(),
        format: options.format,
        bytes,
        seal,
        checkpoint_seq,
    })
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

/// A document's ammunition section: its lot lines and their exact totals; none without lots.
fn ammunition(lines: Vec<custody_core::ammo_disposal::LotLineView>) -> Option<AmmunitionSection> {
    if lines.is_empty() {
        return None;
    }
    let (total_quantity, total_neq_kg) = custody_core::ammo_disposal::totals(&lines);
    Some(AmmunitionSection {
        lines: lines
            .into_iter()
            .map(|l| LotQuantityLine {
                lot_code: custody_core::ammo::lot_label_code(&l.lot_id).to_string(),
                lot_number: l.lot_number,
                ammo_type: l.ammo_type,
                calibre: l.calibre,
                hazard: l.hazard,
                location: l.location,
                quantity: l.quantity,
                unit: l.unit,
                neq_kg: l.line_neq_kg,
                received: l.received,
                lost_in_transit: l.lost_in_transit,
            })
            .collect(),
        total_quantity,
        total_neq_kg,
    })
}

/// The destruction certificate of an executed batch (`B-…`).
pub fn certificate(
    ledger: &mut Ledger,
    actor: &Actor,
    batch: &str,
    options: &IssueOptions,
) -> Result<Issued> {
    let d = ledger.destruction_document(actor, batch)?;
    let language = options.language;
    let site_name = ledger.site_name()?;
    let date = NaiveDate::parse_from_str(&d.record.date, "%Y-%m-%d").map_err(|_| {
        IssueError::Damaged(format!(
            "batch {} has an unreadable destruction date",
            d.code
        ))
    })?;
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
        issued_on: options.issued_on,
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
        responsible_official: responsible_official(actor, &d, &site_name, language),
        witnesses: d
            .witnesses
            .iter()
            .map(|w| signatory(w, &site_name, language))
            .collect(),
        items: d.items.iter().map(line).collect(),
        amended: amended(&d.items),
        photo_digests: d.record.photo_digests.clone(),
        checkpoint: checkpoint(&d.checkpoint),
        ammunition: ammunition(ledger.destruction_lots(batch)?),
    };
    emit(ledger, actor, options, &doc, d.batch_id.clone())
}

/// The manifest of a dispatched or received handover (`M-…`).
pub fn manifest(
    ledger: &mut Ledger,
    actor: &Actor,
    manifest: &str,
    options: &IssueOptions,
) -> Result<Issued> {
    let m = ledger.handover_document(actor, manifest)?;
    let language = options.language;
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
    let lots = ammunition(ledger.handover_lots(manifest)?);
    let doc = HandoverManifest {
        manifest_id: document_id(&m.code),
        site_name: ledger.site_name()?,
        site_id: ledger.site_id().to_string(),
        issued_on: options.issued_on,
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
        amended: amended(&m.items),
        ammunition: lots,
        dispatched_at: time(&m.dispatched_at)?,
        received_at: m.received_at.as_deref().map(time).transpose()?,
        discrepancies: m
            .differences
            .iter()
            .map(|d| Discrepancy {
                subject: d.code.clone(),
                description: match d.kind.as_str() {
                    "missing" => language.t(Label::MissingOnArrival),
                    "extra" => language.t(Label::ExtraOnArrival),
                    other => other.to_string(),
                },
                resolution: language
                    .t(Label::RecordedAtReceipt)
                    .replace("{}", &d.seq.to_string()),
            })
            .collect(),
        checkpoint: checkpoint(&cp),
    };
    emit(ledger, actor, options, &doc, m.manifest_id.clone())
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

/// The report of a closed stocktake (`S-…`).
pub fn stocktake(
    ledger: &mut Ledger,
    actor: &Actor,
    stocktake: &str,
    options: &IssueOptions,
) -> Result<Issued> {
    let s = ledger.stocktake_document(actor, stocktake)?;
    let site_name = ledger.site_name()?;
    // The function column names each signatory's part in this count, in the document's language.
    let language = options.language;
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
        signatories.push(part(&actor_person(actor), Label::IssuedBy));
    }
    // Alarms (destroyed or transferred items that turned up) are printed and sealed with the
    // misplaced items: the seal format has five lists.
    let misplaced: Vec<StocktakeFinding> = s
        .misplaced
        .iter()
        .map(|l| finding(l, false, language))
        .chain(s.alarms.iter().map(|l| finding(l, true, language)))
        .collect();
    let lots = ledger
        .ammo_count_lines(actor, stocktake)?
        .into_iter()
        .map(|l| StocktakeLotLine {
            lot_code: custody_core::ammo::lot_label_code(&l.lot_id).to_string(),
            lot_number: l.lot,
            location: l.location,
            expected: l.expected,
            counted: l.counted,
            adjustment: l.reason.unwrap_or_default(),
        })
        .collect();
    let doc = StocktakeReport {
        stocktake_id: document_id(&s.code),
        site_name: site_name.clone(),
        site_id: ledger.site_id().to_string(),
        issued_on: options.issued_on,
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
        lots,
    };
    emit(ledger, actor, options, &doc, s.stocktake_id.clone())
}

fn checkpoint_ref(seq: i64, head_hex: &str) -> Result<CheckpointRef> {
    let damaged = || IssueError::Damaged("checkpoint head hash is not 32 bytes of hex".into());
    let bytes = (0..head_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(head_hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|_| damaged())?;
    Ok(CheckpointRef {
        seq: seq as u64,
        head_hash: bytes.try_into().map_err(|_| damaged())?,
    })
}

/// The full custody history of one item (custody code or serial). A signed checkpoint is
/// written first so the printed history can be checked against the ledger later; the history
/// itself is not sealed.
pub fn history(
    ledger: &mut Ledger,
    actor: &Actor,
    item: &str,
    options: &IssueOptions,
) -> Result<Issued> {
    // Look the item up first: an unknown item must not leave a checkpoint behind.
    ledger.history(item)?;
    ledger.checkpoint_by(actor, "item history issued")?;
    let (covered, head) = ledger.latest_checkpoint()?;
    let (view, history) = ledger.history(item)?;
    let events = history
        .into_iter()
        .map(|h| {
            Ok(HistoryEvent {
                seq: h.seq as u64,
                time: time(&h.time)?,
                kind: h.kind,
                actor: h.actor.unwrap_or_default(),
                witness: h.witness.unwrap_or_default(),
                from: h.movement.from,
                to: h.movement.to,
                notes: if h.movement.notes.is_empty() {
                    h.summary
                } else {
                    h.movement.notes
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let doc = ItemHistory {
        history_id: format!("H-{}-{}", view.code, covered),
        site_name: ledger.site_name()?,
        site_id: ledger.site_id().to_string(),
        issued_on: options.issued_on,
        item: ItemLine {
            custody_code: view.code.clone(),
            item_type: view
                .weapon_type
                .clone()
                .unwrap_or_else(|| view.kind.clone()),
            make: view.manufacturer.clone(),
            model: view.model.clone(),
            calibre: view.calibre.clone(),
            serial: view.serial.clone(),
        },
        status: view.status.to_string(),
        location: view.location_name.clone().unwrap_or_default(),
        events,
        checkpoint: checkpoint_ref(covered, &head)?,
    };
    let bytes = match options.format {
        Format::Pdf => doc.to_pdf(&options.render())?,
        Format::Csv => history_csv(&doc, options.csv()).into_bytes(),
        Format::Json => to_json(&doc).into_bytes(),
    };
    Ok(Issued {
        title: "Item history",
        id: view.code.clone(),
        format: options.format,
        bytes,
        seal: None,
        checkpoint_seq: covered as u64,
    })
}

/// The receipt of an exhibit released to its owner (`E-…`), naming the owner, the identity
/// document checked, the order, who handed it over and the witness.
pub fn release_receipt(
    ledger: &mut Ledger,
    actor: &Actor,
    item: &str,
    options: &IssueOptions,
) -> Result<Issued> {
    let r = ledger.release_document(actor, item)?;
    let language = options.language;
    let site_name = ledger.site_name()?;
    let id_document = match r.id_document_type {
        custody_core::IdDocumentType::NationalId => custody_docs::IdDocumentKind::NationalId,
        custody_core::IdDocumentType::Passport => custody_docs::IdDocumentKind::Passport,
        custody_core::IdDocumentType::DrivingLicence => {
            custody_docs::IdDocumentKind::DrivingLicence
        }
        custody_core::IdDocumentType::ResidencePermit => {
            custody_docs::IdDocumentKind::ResidencePermit
        }
    };
    let order_authority = match r.authority_kind {
        custody_core::AuthorityKind::CaseOfficer => custody_docs::OrderAuthority::CaseOfficer,
        custody_core::AuthorityKind::Prosecutor => custody_docs::OrderAuthority::Prosecutor,
        custody_core::AuthorityKind::Court => custody_docs::OrderAuthority::Court,
    };
    let doc = ReleaseReceipt {
        receipt_id: document_id(&format!("R-{}", r.item.code)),
        site_name: site_name.clone(),
        site_id: ledger.site_id().to_string(),
        issued_on: options.issued_on,
        item: line(&r.item),
        case_number: r.case_number.clone(),
        exhibit_number: r.exhibit_number.clone(),
        description: r.description.clone(),
        amended: r.amended,
        owner_name: r.owner_name.clone(),
        id_document,
        id_document_number: r.id_document_number.clone(),
        order_authority,
        authority: r.authority.clone(),
        order_reference: r.order_reference.clone(),
        released_at: time(&r.released_at)?,
        released_by: signatory(&r.released_by, &site_name, language),
        witness: r
            .witness
            .as_ref()
            .map(|w| signatory(w, &site_name, language)),
        checkpoint: checkpoint(&r.checkpoint),
    };
    emit(ledger, actor, options, &doc, r.item.code.clone())
}

/// Intake against disposal per category for `from` to `to` (both included), sealed at a
/// checkpoint covering the ledger as it is now.
pub fn disposition_report(
    ledger: &mut Ledger,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    options: &IssueOptions,
) -> Result<Issued> {
    let report = ledger.disposition_report(actor, from, to)?;
    let (head, _) = ledger.head()?;
    let cp = ledger.document_checkpoint(head, "disposition report issued")?;
    let row = |l: &custody_core::evidence::DispositionLine| DispositionRow {
        category: l.category.clone(),
        intake: l.intake,
        destroyed: l.destroyed,
        released: l.released,
        transferred_out: l.transferred_out,
        lost_in_transit: l.lost_in_transit,
        disposed: l.disposed,
        ratio: l.ratio.clone(),
    };
    let doc = DispositionReport {
        report_id: document_id(&format!(
            "P-{}-{}",
            from.format("%Y%m%d"),
            to.format("%Y%m%d")
        )),
        site_name: ledger.site_name()?,
        site_id: ledger.site_id().to_string(),
        issued_on: options.issued_on,
        from,
        to,
        rows: report.lines.iter().map(row).collect(),
        total: row(&report.total),
        checkpoint: checkpoint(&cp),
    };
    let subject = ledger.site_id().to_string();
    emit(ledger, actor, options, &doc, subject)
}
