//! The four documents: each builds its seal fields from its own data, lays its sections out and
//! hands the pages to the PDF renderer with the sealed list and its JSON source attached.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use krilla::embed::AssociationKind;
use serde::{Deserialize, Serialize};

use crate::error::{DocumentError, SealError};
use crate::hex;
use crate::lang::{Label, Language, Words};
use crate::layout::{Align, Column, Flow, Metrics, SignatureLabels};
use crate::model::*;
use crate::pdf::{self, Attachment, Sheet, JSON_FILE, LIST_FILE, SEAL_FILE};
use crate::seal::{self, DocumentKind, Seal, SealFields};

/// How a document is printed; the data itself is never translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderOptions {
    pub language: Language,
    /// The site's offset from UTC in minutes, for printing ledger times (which are UTC).
    pub utc_offset_minutes: i32,
}

impl RenderOptions {
    pub fn new(language: Language) -> RenderOptions {
        RenderOptions {
            language,
            utc_offset_minutes: 0,
        }
    }

    fn offset(&self) -> FixedOffset {
        // An impossible offset (beyond ±24 h) prints UTC rather than failing the document.
        self.utc_offset_minutes
            .checked_mul(60)
            .and_then(FixedOffset::east_opt)
            .unwrap_or(FixedOffset::east_opt(0).expect("zero offset is valid"))
    }

    fn time(&self, t: DateTime<Utc>) -> String {
        self.language.time(t, self.offset())
    }
}

impl DestructionCertificate {
    /// The title and the statement the signatories sign name what was destroyed: weapons,
    /// ammunition, or both.
    pub fn title_and_statement(&self) -> (Label, Label) {
        let lots = !lot_lines(self.ammunition.as_ref()).is_empty();
        match (self.items.is_empty(), lots) {
            (true, true) => (
                Label::TitleCertificateAmmunition,
                Label::CertificateStatementAmmunition,
            ),
            (false, true) => (
                Label::TitleCertificateWeaponsAndAmmunition,
                Label::CertificateStatementWeaponsAndAmmunition,
            ),
            _ => (Label::TitleCertificate, Label::CertificateStatement),
        }
    }

    /// The fields to sign for this certificate's seal.
    pub fn seal_fields(&self) -> Result<SealFields, SealError> {
        SealFields::for_items_and_lots(
            DocumentKind::DestructionCertificate,
            &self.certificate_id,
            self.issued_on,
            &self.items,
            lot_lines(self.ammunition.as_ref()),
            self.checkpoint,
        )
    }

    pub fn to_pdf(&self, seal: &Seal, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        if self.witnesses.len() < 2 {
            return Err(DocumentError::TooFewWitnesses(self.witnesses.len()));
        }
        let fields = self.seal_fields()?;
        matches_seal(&fields, seal)?;
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);

        flow.field(&l.t(Label::Authority), &self.authority);
        flow.field(&l.t(Label::DecisionReference), &self.decision_reference);
        flow.field(
            &l.t(Label::Site),
            &format!("{} ({})", self.site_name, self.site_id),
        );
        flow.field(&l.t(Label::Place), &self.place);
        let dates = if self.destruction_started == self.destruction_finished {
            l.date(self.destruction_started)
        } else {
            format!(
                "{} – {}",
                l.date(self.destruction_started),
                l.date(self.destruction_finished)
            )
        };
        flow.field(&l.t(Label::DestructionDates), &dates);
        flow.field(&l.t(Label::Method), &l.t(self.method.label()));
        flow.field(&l.t(Label::Equipment), &self.equipment);
        flow.field(
            &l.t(Label::ScrapDisposal),
            &format!(
                "{} {} kg, {} {}",
                l.t(Label::ScrapWeight),
                decimal(l, self.scrap.weight_kg),
                l.t(Label::ScrapDestination),
                self.scrap.delivered_to
            ),
        );
        checkpoint_field(&mut flow, l, &self.checkpoint);
        let (title, statement) = self.title_and_statement();
        // A certificate of ammunition alone has no weapons to total or list.
        let weapons = !self.items.is_empty() || self.ammunition.is_none();
        if weapons {
            totals(&mut flow, l, &self.items);
        }
        flow.space(4.0);
        flow.paragraph(&l.t(statement), 9.0);

        let mut signers = vec![
            (l.t(Label::Operator), who(&self.operator)),
            (
                l.t(Label::ResponsibleOfficial),
                who(&self.responsible_official),
            ),
        ];
        for (n, w) in self.witnesses.iter().enumerate() {
            signers.push((format!("{} {}", l.t(Label::Witness), n + 1), who(w)));
        }
        flow.signatures(&l.t(Label::Signatures), &signature_labels(l), &signers);

        if weapons {
            item_table(&mut flow, l, &l.t(Label::Annex), &self.items);
        }
        amended_note(&mut flow, l, &self.amended);
        ammunition_table(&mut flow, l, self.ammunition.as_ref());
        if !self.photo_digests.is_empty() {
            let cols = [
                col(l.t(Label::ColNo), 40.0, Align::Right),
                col("SHA-256".into(), 475.0, Align::Left),
            ];
            let rows = self
                .photo_digests
                .iter()
                .enumerate()
                .map(|(i, d)| vec![(i + 1).to_string(), d.clone()]);
            flow.table(&l.t(Label::Photos), &l.t(Label::Continued), &cols, rows);
        }
        seal_section(&mut flow, l, seal);

        let sheet = Sheet {
            lang: l,
            title: l.t(title),
            document_id: self.certificate_id.clone(),
            site_line: site_line(l, &self.site_name, &self.site_id),
            issued_on: self.issued_on,
            seal: Some(seal),
            pages: flow.pages,
            attachments: attachments(
                seal,
                seal::canonical_items_and_lots(&self.items, lot_lines(self.ammunition.as_ref()))?,
                self,
            )?,
        };
        pdf::render(sheet, &m)
    }
}

/// A document's lot lines, none without an ammunition section.
fn lot_lines(ammo: Option<&AmmunitionSection>) -> &[LotQuantityLine] {
    ammo.map(|a| a.lines.as_slice()).unwrap_or(&[])
}

impl HandoverManifest {
    pub fn seal_fields(&self) -> Result<SealFields, SealError> {
        SealFields::for_items_and_lots(
            DocumentKind::HandoverManifest,
            &self.manifest_id,
            self.issued_on,
            &self.items,
            lot_lines(self.ammunition.as_ref()),
            self.checkpoint,
        )
    }

    pub fn to_pdf(&self, seal: &Seal, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let fields = self.seal_fields()?;
        matches_seal(&fields, seal)?;
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);

        flow.field(&l.t(Label::Sender), &party(&self.sender));
        flow.field(&l.t(Label::Receiver), &party(&self.receiver));
        flow.field(&l.t(Label::LegalBasis), &self.legal_basis);
        flow.field(&l.t(Label::Transport), &self.transport);
        checkpoint_field(&mut flow, l, &self.checkpoint);

        let cols = [
            col(l.t(Label::ColNo), 32.0, Align::Right),
            col(l.t(Label::Container), 140.0, Align::Left),
            text_col(l.t(Label::SealNumbers), 283.0),
            col(l.t(Label::Count), 60.0, Align::Right),
        ];
        let rows = self.containers.iter().enumerate().map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.container_id.clone(),
                c.seal_numbers.join(", "),
                // 0: the count per container was not recorded.
                if c.item_count == 0 {
                    "—".to_string()
                } else {
                    c.item_count.to_string()
                },
            ]
        });
        flow.table(&l.t(Label::Containers), &l.t(Label::Continued), &cols, rows);
        totals(&mut flow, l, &self.items);
        item_table(&mut flow, l, &l.t(Label::ItemList), &self.items);
        amended_note(&mut flow, l, &self.amended);
        ammunition_table(&mut flow, l, self.ammunition.as_ref());

        // Dispatch and receipt, each with its own time and signatures.
        flow.heading(&l.t(Label::Dispatch));
        flow.field(&l.t(Label::DispatchedAt), &opts.time(self.dispatched_at));
        flow.signatures(
            &l.t(Label::Signatures),
            &signature_labels(l),
            &[(l.t(Label::Sender), party_lines(&self.sender))],
        );
        flow.heading(&l.t(Label::Receipt));
        let received = match self.received_at {
            Some(t) => opts.time(t),
            None => format!("{} ____________________", l.t(Label::NotYetReceived)),
        };
        flow.field(&l.t(Label::ReceivedAt), &received);
        flow.signatures(
            &l.t(Label::Signatures),
            &signature_labels(l),
            &[(l.t(Label::Receiver), party_lines(&self.receiver))],
        );

        let cols = [
            col(l.t(Label::ColNo), 32.0, Align::Right),
            col(l.t(Label::CustodyCode), 100.0, Align::Left),
            text_col(l.t(Label::Description), 213.0),
            text_col(l.t(Label::Resolution), 170.0),
        ];
        let lots = lot_differences(l, self.ammunition.as_ref());
        let mut rows: Vec<Vec<String>> = self
            .discrepancies
            .iter()
            .chain(lots.iter())
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.subject.clone(),
                    d.description.clone(),
                    d.resolution.clone(),
                ]
            })
            .collect();
        if self.received_at.is_none() {
            // Blank numbered lines for the receiver to write on.
            let start = rows.len();
            rows.extend((start..start + 4).map(|i| vec![(i + 1).to_string()]));
        }
        if rows.is_empty() {
            flow.heading(&l.t(Label::Discrepancies));
            flow.paragraph(&l.t(Label::NoDiscrepancies), 9.0);
        } else {
            flow.table(
                &l.t(Label::Discrepancies),
                &l.t(Label::Continued),
                &cols,
                rows,
            );
        }
        seal_section(&mut flow, l, seal);

        let sheet = Sheet {
            lang: l,
            title: l.t(Label::TitleManifest),
            document_id: self.manifest_id.clone(),
            site_line: site_line(l, &self.site_name, &self.site_id),
            issued_on: self.issued_on,
            seal: Some(seal),
            pages: flow.pages,
            attachments: attachments(
                seal,
                seal::canonical_items_and_lots(&self.items, lot_lines(self.ammunition.as_ref()))?,
                self,
            )?,
        };
        pdf::render(sheet, &m)
    }
}

impl StocktakeReport {
    pub fn seal_fields(&self) -> Result<SealFields, SealError> {
        let canonical = seal::canonical_stocktake(self)?;
        Ok(SealFields {
            format: seal::stocktake_format(self),
            kind: DocumentKind::StocktakeReport,
            document_id: self.stocktake_id.clone(),
            date: self.issued_on,
            counts: seal::stocktake_counts(self),
            list_digest: sha256(&canonical),
            checkpoint: self.checkpoint,
        })
    }

    pub fn to_pdf(&self, seal: &Seal, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let fields = self.seal_fields()?;
        matches_seal(&fields, seal)?;
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);
        let c = &self.counters;

        flow.field(&l.t(Label::Scope), &self.scope.join(", "));
        flow.field(&l.t(Label::Opened), &opts.time(self.opened_at));
        flow.field(&l.t(Label::Closed), &opts.time(self.closed_at));
        checkpoint_field(&mut flow, l, &self.checkpoint);

        let cols = [
            col(String::new(), 300.0, Align::Left),
            col(l.t(Label::Count), 80.0, Align::Right),
        ];
        let summary = [
            (Label::Expected, c.expected),
            (Label::Found, c.found),
            (Label::Missing, c.missing),
            (Label::Misplaced, c.misplaced),
            (Label::Unknown, c.unknown),
            (Label::Duplicates, c.duplicates),
        ];
        let rows = summary
            .iter()
            .map(|(label, n)| vec![l.t(*label), n.to_string()]);
        flow.table(&l.t(Label::Summary), &l.t(Label::Continued), &cols, rows);

        let finding_cols = |third: Label, fourth: Label| {
            [
                col(l.t(Label::ColNo), 30.0, Align::Right),
                col(l.t(Label::CustodyCode), 80.0, Align::Left),
                col(l.t(Label::Serial), 85.0, Align::Left),
                col(l.t(Label::Type), 60.0, Align::Left),
                text_col(l.t(third), 85.0),
                text_col(l.t(fourth), 75.0),
                text_col(l.t(Label::Resolution), 100.0),
            ]
        };
        let finding_rows = |list: &[StocktakeFinding], missing: bool| {
            list.iter()
                .enumerate()
                .map(|(i, f)| {
                    vec![
                        (i + 1).to_string(),
                        f.item.custody_code.clone(),
                        f.item.serial.clone(),
                        l.item_type(&f.item.item_type),
                        format!("{} {}", f.item.make, f.item.model),
                        if missing {
                            f.expected_location.clone()
                        } else {
                            format!("{} → {}", f.expected_location, f.found_location)
                        },
                        f.resolution.clone(),
                    ]
                })
                .collect::<Vec<_>>()
        };
        section(
            &mut flow,
            l,
            Label::Missing,
            &finding_cols(Label::Make, Label::ExpectedLocation),
            finding_rows(&self.missing, true),
        );
        section(
            &mut flow,
            l,
            Label::Misplaced,
            &finding_cols(Label::Make, Label::FoundLocation),
            finding_rows(&self.misplaced, false),
        );
        let cols = [
            col(l.t(Label::ColNo), 30.0, Align::Right),
            col(l.t(Label::ScannedCode), 170.0, Align::Left),
            text_col(l.t(Label::Location), 135.0),
            text_col(l.t(Label::Resolution), 180.0),
        ];
        let rows = self
            .unknown
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    (i + 1).to_string(),
                    u.scanned_code.clone(),
                    u.location.clone(),
                    u.resolution.clone(),
                ]
            })
            .collect();
        section(&mut flow, l, Label::Unknown, &cols, rows);
        let cols = [
            col(l.t(Label::ColNo), 30.0, Align::Right),
            col(l.t(Label::CustodyCode), 110.0, Align::Left),
            col(l.t(Label::Serial), 120.0, Align::Left),
            col(l.t(Label::TimesScanned), 75.0, Align::Right),
            text_col(l.t(Label::Resolution), 180.0),
        ];
        let rows = self
            .duplicates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.item.custody_code.clone(),
                    d.item.serial.clone(),
                    d.times_scanned.to_string(),
                    d.resolution.clone(),
                ]
            })
            .collect();
        section(&mut flow, l, Label::Duplicates, &cols, rows);

        let signers: Vec<(String, Vec<String>)> = self
            .signatories
            .iter()
            .map(|s| (s.role.clone(), vec![s.name.clone(), s.organisation.clone()]))
            .collect();
        flow.signatures(&l.t(Label::Signatures), &signature_labels(l), &signers);
        item_table(&mut flow, l, &l.t(Label::Found), &self.found);
        if !self.lots.is_empty() {
            let cols = [
                col(l.t(Label::ColNo), 30.0, Align::Right),
                col(l.t(Label::Lot), 80.0, Align::Left),
                text_col(l.t(Label::Location), 90.0),
                col(l.t(Label::Expected), 70.0, Align::Right),
                col(l.t(Label::Counted), 70.0, Align::Right),
                text_col(l.t(Label::Adjustment), 175.0),
            ];
            let rows = self.lots.iter().enumerate().map(|(n, a)| {
                vec![
                    (n + 1).to_string(),
                    a.lot_number.clone(),
                    a.location.clone(),
                    a.expected.to_string(),
                    a.counted.to_string(),
                    a.adjustment.clone(),
                ]
            });
            flow.table(
                &l.t(Label::AmmunitionLots),
                &l.t(Label::Continued),
                &cols,
                rows,
            );
        }
        seal_section(&mut flow, l, seal);

        let sheet = Sheet {
            lang: l,
            title: l.t(Label::TitleStocktake),
            document_id: self.stocktake_id.clone(),
            site_line: site_line(l, &self.site_name, &self.site_id),
            issued_on: self.issued_on,
            seal: Some(seal),
            pages: flow.pages,
            attachments: attachments(seal, seal::canonical_stocktake(self)?, self)?,
        };
        pdf::render(sheet, &m)
    }
}

impl ItemHistory {
    /// Histories carry no seal in format 1: they are ledger extracts that `custody verify`
    /// checks against the chain itself. The checkpoint is printed for reference.
    pub fn to_pdf(&self, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);
        let i = &self.item;
        flow.field(&l.t(Label::CustodyCode), &i.custody_code);
        flow.field(&l.t(Label::Type), &l.item_type(&i.item_type));
        flow.field(&l.t(Label::Make), &i.make);
        flow.field(&l.t(Label::Model), &i.model);
        flow.field(&l.t(Label::Calibre), &i.calibre);
        flow.field(&l.t(Label::Serial), &i.serial);
        flow.field(&l.t(Label::Status), &l.status(&self.status));
        flow.field(&l.t(Label::Location), &self.location);
        checkpoint_field(&mut flow, l, &self.checkpoint);
        let cols = [
            col("#".into(), 38.0, Align::Right),
            col(l.t(Label::Time), 82.0, Align::Left),
            text_col(l.t(Label::EventKind), 62.0),
            col(l.t(Label::Actor), 62.0, Align::Left),
            col(l.t(Label::Witness), 62.0, Align::Left),
            text_col(l.t(Label::From), 60.0),
            text_col(l.t(Label::To), 60.0),
            text_col(l.t(Label::Notes), 89.0),
        ];
        let rows = self.events.iter().map(|e| {
            vec![
                e.seq.to_string(),
                opts.time(e.time),
                l.event(&e.kind),
                e.actor.clone(),
                e.witness.clone(),
                e.from.clone(),
                e.to.clone(),
                e.notes.clone(),
            ]
        });
        flow.table(&l.t(Label::Events), &l.t(Label::Continued), &cols, rows);
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| DocumentError::Pdf(format!("JSON of the history: {e}")))?;
        let sheet = Sheet {
            lang: l,
            title: l.t(Label::TitleHistory),
            document_id: self.history_id.clone(),
            site_line: site_line(l, &self.site_name, &self.site_id),
            issued_on: self.issued_on,
            seal: None,
            pages: flow.pages,
            attachments: vec![json_attachment(json)],
        };
        pdf::render(sheet, &m)
    }
}

impl ReleaseReceipt {
    /// The seal covers the one released item (code and serial), like a one-line manifest.
    pub fn seal_fields(&self) -> Result<SealFields, SealError> {
        SealFields::for_items(
            DocumentKind::ReleaseReceipt,
            &self.receipt_id,
            self.issued_on,
            std::slice::from_ref(&self.item),
            self.checkpoint,
        )
    }

    pub fn to_pdf(&self, seal: &Seal, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let fields = self.seal_fields()?;
        matches_seal(&fields, seal)?;
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);
        let i = &self.item;
        flow.field(&l.t(Label::CustodyCode), &i.custody_code);
        flow.field(&l.t(Label::CaseNumber), &self.case_number);
        flow.field(&l.t(Label::ExhibitNumber), &self.exhibit_number);
        flow.field(&l.t(Label::Description), &self.description);
        if !i.serial.is_empty() || !i.make.is_empty() {
            flow.field(&l.t(Label::Type), &l.item_type(&i.item_type));
            flow.field(
                &format!("{} / {}", l.t(Label::Make), l.t(Label::Model)),
                &format!("{} {}", i.make, i.model),
            );
            flow.field(&l.t(Label::Calibre), &i.calibre);
            flow.field(&l.t(Label::Serial), &i.serial);
        }
        if self.amended {
            flow.space(2.0);
            flow.paragraph(&l.t(Label::AmendedNote), 8.5);
            flow.space(2.0);
        }
        flow.field(
            &l.t(Label::Order),
            &format!("{} ({})", self.authority, l.t(self.order_authority.label())),
        );
        flow.field(&l.t(Label::OrderReference), &self.order_reference);
        flow.field(&l.t(Label::Owner), &self.owner_name);
        flow.field(
            &l.t(Label::IdDocument),
            &format!(
                "{} {}",
                l.t(self.id_document.label()),
                self.id_document_number
            ),
        );
        flow.field(&l.t(Label::ReleasedAt), &opts.time(self.released_at));
        checkpoint_field(&mut flow, l, &self.checkpoint);
        flow.space(4.0);
        flow.paragraph(&l.t(Label::ReleaseStatement), 9.0);

        let owner = Signatory {
            name: self.owner_name.clone(),
            role: format!(
                "{} {}",
                l.t(self.id_document.label()),
                self.id_document_number
            ),
            organisation: String::new(),
        };
        let mut signers = vec![
            (l.t(Label::ReleasedBy), who(&self.released_by)),
            (l.t(Label::ReceivedByOwner), who(&owner)),
        ];
        if let Some(w) = &self.witness {
            signers.push((l.t(Label::Witness), who(w)));
        }
        flow.signatures(&l.t(Label::Signatures), &signature_labels(l), &signers);
        seal_section(&mut flow, l, seal);

        let canonical = seal::canonical_item_list(std::slice::from_ref(&self.item))?;
        let sheet = Sheet {
            lang: l,
            title: l.t(Label::TitleReleaseReceipt),
            document_id: self.receipt_id.clone(),
            site_line: site_line(l, &self.site_name, &self.site_id),
            issued_on: self.issued_on,
            seal: Some(seal),
            pages: flow.pages,
            attachments: attachments(seal, canonical, self)?,
        };
        pdf::render(sheet, &m)
    }
}

impl DispositionReport {
    /// The seal counts the category lines and covers their figures (SEAL.md).
    pub fn seal_fields(&self) -> Result<SealFields, SealError> {
        let canonical = seal::canonical_disposition(self)?;
        Ok(SealFields {
            format: seal::FORMAT_ITEMS,
            kind: DocumentKind::DispositionReport,
            document_id: self.report_id.clone(),
            date: self.issued_on,
            counts: vec![self.rows.len() as u64],
            list_digest: sha256(&canonical),
            checkpoint: self.checkpoint,
        })
    }

    pub fn to_pdf(&self, seal: &Seal, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let fields = self.seal_fields()?;
        matches_seal(&fields, seal)?;
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);
        flow.field(
            &l.t(Label::Period),
            &format!("{} – {}", l.date(self.from), l.date(self.to)),
        );
        checkpoint_field(&mut flow, l, &self.checkpoint);
        // Figures right-aligned under headings that start with a capital, as the labels do.
        let heading = |t: String| {
            let mut c = t.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        };
        let figure = |t: String| col(heading(t), 61.0, Align::Right);
        let cols = [
            text_col(l.t(Label::Category), 85.0),
            figure(l.t(Label::Intake)),
            figure(l.status("destroyed")),
            figure(l.status("released")),
            figure(l.status("transferred_out")),
            figure(l.status("lost_in_transit")),
            figure(l.t(Label::Disposed)),
            figure(l.t(Label::Ratio)),
        ];
        let line = |r: &DispositionRow, name: String| {
            vec![
                name,
                r.intake.to_string(),
                r.destroyed.to_string(),
                r.released.to_string(),
                r.transferred_out.to_string(),
                r.lost_in_transit.to_string(),
                r.disposed.to_string(),
                match l {
                    Language::English => r.ratio.clone(),
                    _ => r.ratio.replace('.', ","),
                },
            ]
        };
        let mut rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| line(r, l.item_type(&r.category)))
            .collect();
        rows.push(line(&self.total, l.t(Label::Total).to_uppercase()));
        flow.table(&l.t(Label::Summary), &l.t(Label::Continued), &cols, rows);
        seal_section(&mut flow, l, seal);
        let sheet = Sheet {
            lang: l,
            title: l.t(Label::TitleDispositionReport),
            document_id: self.report_id.clone(),
            site_line: site_line(l, &self.site_name, &self.site_id),
            issued_on: self.issued_on,
            seal: Some(seal),
            pages: flow.pages,
            attachments: attachments(seal, seal::canonical_disposition(self)?, self)?,
        };
        pdf::render(sheet, &m)
    }
}

fn matches_seal(fields: &SealFields, seal: &Seal) -> Result<(), DocumentError> {
    let s = &seal.fields;
    let problem = if s.kind != fields.kind {
        Some(format!("it seals a {}, this is a {}", s.kind, fields.kind))
    } else if s.document_id != fields.document_id {
        Some(format!(
            "it seals {}, this is {}",
            s.document_id, fields.document_id
        ))
    } else if s.counts != fields.counts || s.list_digest != fields.list_digest {
        Some("its item list differs from this document's".to_string())
    } else if s.checkpoint != fields.checkpoint {
        Some("it was made at a different ledger checkpoint".to_string())
    } else if s.date != fields.date {
        Some("it carries a different issue date".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => Err(DocumentError::SealDoesNotMatch(p)),
        None => Ok(()),
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

fn attachments<T: Serialize>(
    seal: &Seal,
    canonical: Vec<u8>,
    source: &T,
) -> Result<Vec<Attachment>, DocumentError> {
    let json = serde_json::to_vec_pretty(source)
        .map_err(|e| DocumentError::Pdf(format!("JSON of the document: {e}")))?;
    Ok(vec![
        // Uncompressed, so verify_pdf can find both by their markers without a PDF parser.
        Attachment {
            name: SEAL_FILE,
            mime: "text/plain",
            description: "Custody QR seal text (see SEAL.md)".into(),
            data: format!("{}\n", seal.text()).into_bytes(),
            compress: false,
            kind: AssociationKind::Supplement,
        },
        Attachment {
            name: LIST_FILE,
            mime: "text/tab-separated-values",
            description:
                "Sealed item list in canonical form; its SHA-256 is the digest in the seal".into(),
            data: crate::verify::frame_list(&canonical),
            compress: false,
            kind: AssociationKind::Data,
        },
        json_attachment(json),
    ])
}

fn json_attachment(json: Vec<u8>) -> Attachment {
    Attachment {
        name: JSON_FILE,
        mime: "application/json",
        description: "The data this document was printed from".into(),
        data: json,
        compress: true,
        kind: AssociationKind::Source,
    }
}

fn col(title: String, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
        wrap: false,
    }
}

/// A free-text column that wraps.
fn text_col(title: String, width: f32) -> Column {
    Column {
        title,
        width,
        align: Align::Left,
        wrap: true,
    }
}

fn item_columns(l: Language) -> [Column; 7] {
    [
        col(l.t(Label::ColNo), 36.0, Align::Right),
        col(l.t(Label::CustodyCode), 88.0, Align::Left),
        col(l.t(Label::Type), 66.0, Align::Left),
        col(l.t(Label::Make), 82.0, Align::Left),
        col(l.t(Label::Model), 82.0, Align::Left),
        col(l.t(Label::Calibre), 55.0, Align::Left),
        col(l.t(Label::Serial), 106.0, Align::Left),
    ]
}

/// The numbered serial annex, in the same order as the canonical (sealed) list.
fn item_table(flow: &mut Flow<'_>, l: Language, title: &str, items: &[ItemLine]) {
    let mut sorted: Vec<&ItemLine> = items.iter().collect();
    sorted.sort_by(|a, b| (&a.custody_code, &a.serial).cmp(&(&b.custody_code, &b.serial)));
    let rows = sorted.into_iter().enumerate().map(|(n, i)| {
        vec![
            (n + 1).to_string(),
            i.custody_code.clone(),
            l.item_type(&i.item_type),
            i.make.clone(),
            i.model.clone(),
            i.calibre.clone(),
            i.serial.clone(),
        ]
    });
    flow.table(title, &l.t(Label::Continued), &item_columns(l), rows);
}

/// The lots and quantities a document covers, with their NEQ, and the totals; in a handover
/// counted on arrival, also what the receiver counted.
fn ammunition_table(flow: &mut Flow<'_>, l: Language, ammo: Option<&AmmunitionSection>) {
    let Some(ammo) = ammo.filter(|a| !a.lines.is_empty()) else {
        return;
    };
    let counted = ammo.lines.iter().any(|a| a.received.is_some());
    let mut cols = vec![
        col(l.t(Label::ColNo), 30.0, Align::Right),
        col(l.t(Label::Lot), 70.0, Align::Left),
        text_col(l.t(Label::Type), if counted { 60.0 } else { 90.0 }),
        col(
            l.t(Label::Calibre),
            if counted { 45.0 } else { 55.0 },
            Align::Left,
        ),
        col(l.t(Label::HazardDivision), 40.0, Align::Left),
        text_col(l.t(Label::Location), if counted { 55.0 } else { 70.0 }),
        col(l.t(Label::Quantity), 75.0, Align::Right),
    ];
    if counted {
        cols.push(col(l.t(Label::CountedOnArrival), 70.0, Align::Right));
    }
    cols.push(col(
        l.t(Label::NeqKg),
        if counted { 70.0 } else { 85.0 },
        Align::Right,
    ));
    let rows = ammo.lines.iter().enumerate().map(|(n, a)| {
        let mut row = vec![
            (n + 1).to_string(),
            a.lot_number.clone(),
            a.ammo_type.clone(),
            a.calibre.clone(),
            a.hazard.clone(),
            a.location.clone(),
            format!("{} {}", a.quantity, a.unit),
        ];
        if counted {
            row.push(a.received.map(|r| r.to_string()).unwrap_or_default());
        }
        row.push(a.neq_kg.clone());
        row
    });
    flow.table(
        &l.t(Label::AmmunitionLots),
        &l.t(Label::Continued),
        &cols,
        rows,
    );
    flow.field(&l.t(Label::TotalQuantity), &ammo.total_quantity.to_string());
    flow.field(&l.t(Label::TotalNeqKg), &ammo.total_neq_kg);
}

/// A handover's lot lines counted on arrival with a quantity other than dispatched, as
/// discrepancy rows: the quantities and the difference, and what was settled of it.
fn lot_differences(l: Language, ammo: Option<&AmmunitionSection>) -> Vec<Discrepancy> {
    lot_lines(ammo)
        .iter()
        .filter_map(|a| {
            let counted = a.received?;
            if counted == a.quantity {
                return None;
            }
            let difference = counted as i128 - a.quantity as i128;
            Some(Discrepancy {
                subject: a.lot_number.clone(),
                description: format!(
                    "{} {} {} · {} {} · {} {}{}",
                    l.t(Label::Quantity),
                    a.quantity,
                    a.unit,
                    l.t(Label::CountedOnArrival),
                    counted,
                    l.t(Label::Difference),
                    if difference > 0 { "+" } else { "−" },
                    difference.unsigned_abs()
                ),
                resolution: if a.lost_in_transit > 0 {
                    format!("{}: {}", l.status("lost_in_transit"), a.lost_in_transit)
                } else {
                    String::new()
                },
            })
        })
        .collect()
}

/// Under an item list: which items' records were amended after intake.
fn amended_note(flow: &mut Flow<'_>, l: Language, codes: &[String]) {
    if codes.is_empty() {
        return;
    }
    flow.space(2.0);
    flow.paragraph(
        &format!("{} {}", l.t(Label::AmendedItems), codes.join(", ")),
        8.5,
    );
}

fn section(
    flow: &mut Flow<'_>,
    l: Language,
    title: Label,
    cols: &[Column],
    rows: Vec<Vec<String>>,
) {
    if rows.is_empty() {
        flow.heading(&l.t(title));
        flow.paragraph(&l.t(Label::NoneRecorded), 9.0);
    } else {
        flow.table(&l.t(title), &l.t(Label::Continued), cols, rows);
    }
}

fn totals(flow: &mut Flow<'_>, l: Language, items: &[ItemLine]) {
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *by_type.entry(i.item_type.as_str()).or_default() += 1;
    }
    let cols = [
        col(l.t(Label::Type), 300.0, Align::Left),
        col(l.t(Label::Count), 80.0, Align::Right),
    ];
    let mut rows: Vec<Vec<String>> = by_type
        .into_iter()
        .map(|(t, n)| vec![l.item_type(t), n.to_string()])
        .collect();
    rows.push(vec![
        l.t(Label::Total).to_uppercase(),
        items.len().to_string(),
    ]);
    flow.table(
        &l.t(Label::TotalsByType),
        &l.t(Label::Continued),
        &cols,
        rows,
    );
    flow.field(&l.t(Label::TotalItems), &items.len().to_string());
}

fn checkpoint_field(flow: &mut Flow<'_>, l: Language, c: &CheckpointRef) {
    flow.field(
        &l.t(Label::Checkpoint),
        &format!(
            "{} {} · {} {}",
            l.t(Label::Sequence),
            c.seq,
            l.t(Label::HeadHash),
            hex::encode(&c.head_hash)
        ),
    );
}

fn seal_section(flow: &mut Flow<'_>, l: Language, seal: &Seal) {
    flow.ensure(120.0);
    flow.heading(&l.t(Label::SealHeading));
    flow.paragraph(&l.t(Label::SealHowTo), 8.5);
    flow.space(4.0);
    // Mono text broken at a fixed width, so it can be retyped if the QR is damaged.
    let text = seal.text();
    let chars: Vec<char> = text.chars().collect();
    for chunk in chars.chunks(64) {
        let line: String = chunk.iter().collect();
        flow.ensure(11.0);
        flow.text(
            crate::layout::MARGIN,
            flow.y + 8.5,
            8.5,
            crate::layout::Face::Mono,
            line,
        );
        flow.space(11.0);
    }
}

fn signature_labels(l: Language) -> SignatureLabels {
    SignatureLabels {
        role: l.t(Label::Role),
        name: format!("{} / {}", l.t(Label::Name), l.t(Label::Organisation)),
        signature: l.t(Label::Signature),
        date: l.t(Label::Date),
    }
}

fn who(s: &Signatory) -> Vec<String> {
    vec![s.name.clone(), s.role.clone(), s.organisation.clone()]
}

/// `organisation — person (role)`, leaving out what was not recorded.
fn party(p: &Party) -> String {
    let mut out = p.organisation.clone();
    if !p.person.is_empty() {
        if !out.is_empty() {
            out.push_str(" — ");
        }
        out.push_str(&p.person);
    }
    if !p.role.is_empty() {
        out.push_str(&format!(" ({})", p.role));
    }
    out
}

fn party_lines(p: &Party) -> Vec<String> {
    vec![p.person.clone(), p.role.clone(), p.organisation.clone()]
}

fn site_line(l: Language, name: &str, id: &str) -> String {
    format!(
        "{}: {}   {}: {}",
        l.t(Label::Site),
        name,
        l.t(Label::SiteId),
        id
    )
}

/// Regional languages write a decimal comma.
fn decimal(l: Language, v: f64) -> String {
    let s = format!("{v:.1}");
    match l {
        Language::English => s,
        _ => s.replace('.', ","),
    }
}

impl NationalDestructionReport {
    pub fn seal_fields(&self) -> Result<SealFields, SealError> {
        SealFields::for_items(
            DocumentKind::DestructionCertificate,
            &self.report_id,
            self.issued_on,
            &self.items,
            self.checkpoint,
        )
    }

    /// The figures only; the item list travels as the sealed attachment, since a national
    /// year can hold tens of thousands of items.
    pub fn to_pdf(&self, seal: &Seal, opts: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let fields = self.seal_fields()?;
        matches_seal(&fields, seal)?;
        let l = opts.language;
        let m = Metrics::new();
        let mut flow = Flow::new(&m);
        flow.field(&l.t(Label::Year), &self.year.to_string());
        checkpoint_field(&mut flow, l, &self.checkpoint);
        flow.field(&l.t(Label::TotalItems), &self.items.len().to_string());
        flow.space(4.0);
        flow.paragraph(&l.t(Label::NationalStatement), 9.0);
        let cols = [
            col(l.t(Label::Country), 200.0, Align::Left),
            col(l.t(Label::Type), 200.0, Align::Left),
            col(l.t(Label::Count), 80.0, Align::Right),
        ];
        let rows: Vec<Vec<String>> = self
            .by_country
            .iter()
            .map(|r| {
                vec![
                    r.country.clone(),
                    l.item_type(&r.item_type),
                    r.destroyed.to_string(),
                ]
            })
            .collect();
        section(&mut flow, l, Label::DestroyedByCountry, &cols, rows);
        let cols = [
            col(l.t(Label::Site), 200.0, Align::Left),
            col(l.t(Label::SiteId), 200.0, Align::Left),
            col(l.t(Label::Count), 80.0, Align::Right),
        ];
        let rows: Vec<Vec<String>> = self
            .by_site
            .iter()
            .map(|r| {
                vec![
                    r.site_name.clone(),
                    r.site_id.clone(),
                    r.destroyed.to_string(),
                ]
            })
            .collect();
        section(&mut flow, l, Label::DestroyedBySite, &cols, rows);
        seal_section(&mut flow, l, seal);
        let sheet = Sheet {
            lang: l,
            title: format!("{} {}", l.t(Label::TitleNationalReport), self.year),
            document_id: self.report_id.clone(),
            site_line: format!("{}: {}", l.t(Label::Registry), self.registry_name),
            issued_on: self.issued_on,
            seal: Some(seal),
            pages: flow.pages,
            attachments: attachments(seal, seal::canonical_item_list(&self.items)?, self)?,
        };
        pdf::render(sheet, &m)
    }
}
