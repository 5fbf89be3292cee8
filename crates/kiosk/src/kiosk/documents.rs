//! The documents screen, the printing settings and label printing. Documents are issued
//! through custody-issue, the same path as `custody report`: core signs and logs, this screen
//! saves the PDF (always: the kiosk keeps a copy of what it prints) and hands it to the spooler.

use super::Kiosk;
use crate::local_settings::LabelPrinter;
use crate::messages::{display_code, msg, msg1, msg2, msg3, time_text};
use crate::output::{
    print_file, removable_media, save_durably, send_to_label_printer, OutputError,
};
use crate::MsgKind;
use crate::{AppWindow, DocumentRow, DocumentsState, Msg, PrintingState, SettingsState};
use custody_codes::render::{render_sheet_pdf, render_zpl, LabelSpec, SheetLayout};
use custody_codes::LabelCode;
use custody_core::documents::DocumentKind;
use custody_core::CustodyError;
use custody_docs::Language;
use custody_issue::{Format, IssueError, IssueOptions, Issued};
use slint::ComponentHandle;
use std::path::{Path, PathBuf};

/// What to issue: a sealed document about a batch, manifest or count, or an item's history.
#[derive(Debug, Clone)]
pub enum DocumentTarget {
    Sealed(DocumentKind, String),
    History(String),
    /// The evidence disposition report for a period (first and last day).
    Disposition(chrono::NaiveDate, chrono::NaiveDate),
}

/// The period a disposition-report choice names, counted back from `today`: the calendar year
/// so far, the last calendar year, or the twelve months up to today.
pub fn report_period(
    choice: &str,
    today: chrono::NaiveDate,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::Datelike;
    let year_start = |y: i32| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(today);
    match choice {
        "last_year" => (
            year_start(today.year() - 1),
            year_start(today.year()) - chrono::Duration::days(1),
        ),
        "last_12_months" => (
            today
                .checked_sub_months(chrono::Months::new(12))
                .map_or(today, |d| d + chrono::Duration::days(1)),
            today,
        ),
        _ => (year_start(today.year()), today),
    }
}

/// The document language for a kiosk language (every kiosk language has one; anything else
/// prints in English).
pub fn document_language(ui_language: &str) -> Language {
    Language::from_code(ui_language).unwrap_or(Language::English)
}

fn language_name(key: &str) -> &'static str {
    document_language(key).native_name()
}

/// Makes sure documents can be written to `folder` before anything is sealed and logged. The
/// probe is a fresh file (create-new, no-follow): a link planted on a stick is never written.
fn check_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let probe = folder.join(format!(".custody-write-test-{}", std::process::id()));
    let _ = std::fs::remove_file(&probe);
    drop(custody_core::files::create_new_private(&probe)?);
    std::fs::remove_file(&probe)
}

impl Kiosk {
    pub(super) fn refresh_documents(&mut self, app: &AppWindow) {
        let st = app.global::<DocumentsState>();
        let language = app.global::<SettingsState>().get_language();
        st.set_ui_language_name(language_name(&language).into());
        if st.get_folder().is_empty() {
            st.set_folder(self.settings.documents_folder.display().to_string().into());
        }
        st.set_printer(self.settings.document_printer.clone().into());
        match self.ledger.documents_available() {
            Ok(list) => {
                let rows: Vec<DocumentRow> = list
                    .into_iter()
                    .map(|d| DocumentRow {
                        kind: d.kind.as_str().into(),
                        code: display_code(&d.code).into(),
                        when: time_text(&d.time).into(),
                        items: i32::try_from(d.items).unwrap_or(i32::MAX),
                        direction: d.direction.into(),
                    })
                    .collect();
                if st.get_selected() >= rows.len() as i32 {
                    st.set_selected(-1);
                }
                st.set_rows(super::model(rows));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }

    /// "Save PDF" or "Save and print" on the documents screen.
    pub fn documents_issue(&mut self, app: &AppWindow, print: bool) {
        self.touch();
        let st = app.global::<DocumentsState>();
        let history = st.get_history_item().trim().to_string();
        let selected = usize::try_from(st.get_selected()).ok();
        let target = if !history.is_empty() {
            DocumentTarget::History(history)
        } else if let Some(row) = selected.and_then(|i| {
            use slint::Model;
            st.get_rows().row_data(i)
        }) {
            let kind = match row.kind.as_str() {
                "destruction_certificate" => DocumentKind::DestructionCertificate,
                "stocktake_report" => DocumentKind::StocktakeReport,
                "release_receipt" => DocumentKind::ReleaseReceipt,
                _ => DocumentKind::HandoverManifest,
            };
            DocumentTarget::Sealed(kind, row.code.to_string())
        } else {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::ChooseDocument));
            return;
        };
        let folder = PathBuf::from(st.get_folder().trim());
        let english = st.get_language() == "en";
        say!(
            st,
            self.issue_document(app, &target, &folder, english, print)
        );
    }

    /// "Disposition report" on the documents screen: intake against disposal of evidence for
    /// the period chosen, sealed, saved as PDF into the folder shown.
    pub fn documents_disposition(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<DocumentsState>();
        let (from, to) = report_period(&st.get_period(), chrono::Local::now().date_naive());
        let folder = PathBuf::from(st.get_folder().trim());
        let english = st.get_language() == "en";
        let target = DocumentTarget::Disposition(from, to);
        say!(
            st,
            self.issue_document(app, &target, &folder, english, false)
        );
    }

    /// Issues `target` as PDF into `folder` and, when asked, prints it. The answer is the
    /// sentence for whichever screen asked (documents, destruction, handover, stocktake).
    pub fn issue_document(
        &mut self,
        app: &AppWindow,
        target: &DocumentTarget,
        folder: &Path,
        english: bool,
        print: bool,
    ) -> Result<Msg, Msg> {
        let actor = match self.actor.clone() {
            Some(a) => a,
            None => {
                self.logout(app, None);
                return Err(msg(MsgKind::EnterBadge));
            }
        };
        let folder = if folder.as_os_str().is_empty() {
            self.settings.documents_folder.clone()
        } else {
            folder.to_path_buf()
        };
        if let Err(e) = check_folder(&folder) {
            return Err(msg2(MsgKind::FolderUnusable, folder.display(), e));
        }
        let language = if english {
            Language::English
        } else {
            document_language(&app.global::<SettingsState>().get_language())
        };
        let options = IssueOptions::new(language, Format::Pdf);
        let issued = match target {
            DocumentTarget::Sealed(kind, code) => match kind {
                DocumentKind::DestructionCertificate => {
                    custody_issue::certificate(&mut self.ledger, &actor, code, &options)
                }
                DocumentKind::HandoverManifest => {
                    custody_issue::manifest(&mut self.ledger, &actor, code, &options)
                }
                DocumentKind::StocktakeReport => {
                    custody_issue::stocktake(&mut self.ledger, &actor, code, &options)
                }
                DocumentKind::ReleaseReceipt => {
                    custody_issue::release_receipt(&mut self.ledger, &actor, code, &options)
                }
                // Issued for a period (DocumentTarget::Disposition), never for one code.
                DocumentKind::DispositionReport => Err(IssueError::Damaged(
                    "the disposition report is issued for a period".into(),
                )),
            },
            DocumentTarget::Disposition(from, to) => {
                custody_issue::disposition_report(&mut self.ledger, &actor, *from, *to, &options)
            }
            DocumentTarget::History(item) => {
                custody_issue::history(&mut self.ledger, &actor, item, &options)
            }
        };
        let doc = match issued {
            Ok(d) => d,
            Err(IssueError::Core(e)) => return Err(self.report(app, &e)),
            Err(other) => return Err(msg1(MsgKind::DocumentFailed, other)),
        };
        let path = match save_durably(&folder, &doc.file_name(), &doc.bytes) {
            Ok(p) => p,
            Err(e) => {
                let seq = doc.seal.as_ref().map(|s| s.issued_seq).unwrap_or_default();
                return Err(msg2(MsgKind::SaveFailed, seq, e));
            }
        };
        let shown = display_code(&doc.id);
        if print {
            return self.print_saved(&path, &doc, &shown);
        }
        Ok(match &doc.seal {
            Some(seal) => msg3(
                MsgKind::DocumentSaved,
                shown,
                path.display(),
                seal.issued_seq,
            ),
            None => msg2(MsgKind::HistorySaved, shown, path.display()),
        })
    }

    fn print_saved(&self, path: &Path, doc: &Issued, shown: &str) -> Result<Msg, Msg> {
        let title = format!("{} {}", doc.title, doc.id);
        let printed = msg2(MsgKind::DocumentPrinted, shown, path.display());
        self.spool(path, &title, printed)
    }

    /// Hands a saved PDF to this PC's spooler: `printed` when it took the job, else why not
    /// (the file stays where it was saved either way).
    fn spool(&self, path: &Path, title: &str, printed: Msg) -> Result<Msg, Msg> {
        let s = &self.settings;
        match print_file(&s.print_command, path, &s.document_printer, title) {
            Ok(_) => Ok(printed),
            Err(OutputError::NoSpooler { .. }) => Err(msg1(MsgKind::NoSpooler, path.display())),
            Err(e) => Err(msg2(MsgKind::PrintRefused, e, path.display())),
        }
    }

    /// "Use the USB stick": the first mounted removable medium becomes the folder.
    pub fn documents_use_usb(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<DocumentsState>();
        match removable_media().into_iter().next() {
            Some(stick) => {
                st.set_folder(stick.display().to_string().into());
                st.set_message_good(true);
                st.set_message(msg1(MsgKind::UsbFound, stick.display()));
            }
            None => {
                st.set_message_good(false);
                st.set_message(msg(MsgKind::NoUsb));
            }
        }
    }

    // ---- printing settings and labels ---------------------------------------------------

    pub(super) fn refresh_printing(&self, app: &AppWindow) {
        let st = app.global::<PrintingState>();
        let s = &self.settings;
        st.set_documents_folder(s.documents_folder.display().to_string().into());
        st.set_document_printer(s.document_printer.clone().into());
        st.set_label_printer(s.label_printer.key().into());
        st.set_label_device(s.label_device.display().to_string().into());
        st.set_label_dpi(s.label_dpi.to_string().into());
    }

    pub fn printing_save(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<PrintingState>();
        // What this PC prints with, and where it writes, is an administrator's decision.
        if let Err(e) = self.require_pc_administrator() {
            st.set_message_good(false);
            st.set_message(self.report(app, &e));
            return;
        }
        let dpi = match st.get_label_dpi().trim().parse::<u32>() {
            Ok(d @ (203 | 300 | 600)) => d,
            _ => {
                st.set_message_good(false);
                st.set_message(msg(MsgKind::BadDpi));
                return;
            }
        };
        let folder = st.get_documents_folder().trim().to_string();
        if !folder.is_empty() {
            self.settings.documents_folder = folder.into();
        }
        self.settings.document_printer = st.get_document_printer().trim().to_string();
        self.settings.label_printer =
            LabelPrinter::from_key(&st.get_label_printer()).unwrap_or_default();
        let device = st.get_label_device().trim().to_string();
        if !device.is_empty() {
            self.settings.label_device = device.into();
        }
        self.settings.label_dpi = dpi;
        let saved = self.save_settings().map(|()| msg(MsgKind::PrintingSaved));
        // The documents screen starts from the new folder next time it is opened.
        app.global::<DocumentsState>().set_folder("".into());
        self.refresh_printing(app);
        say!(st, saved);
    }

    /// Only a signed-in administrator changes what this PC prints with and writes to.
    fn require_pc_administrator(&self) -> Result<(), CustodyError> {
        match &self.actor {
            Some(a) => a.require(
                "change this PC's printers and folders",
                &[custody_core::Role::Administrator],
            ),
            None => Err(CustodyError::ReceiverNotAuthenticated),
        }
    }

    /// Writes this PC's settings beside the ledger.
    pub(super) fn save_settings(&self) -> Result<(), Msg> {
        self.settings
            .save(self.ledger.path())
            .map_err(|e| msg1(MsgKind::Storage, e))
    }

    /// Prints the label of one ledger code (item, location, badge) on this kiosk's label
    /// printer. The answer is the sentence for the screen that asked.
    pub fn print_label(&self, code: &str, description: &str) -> Result<Msg, Msg> {
        let label = LabelCode::parse(code).map_err(|e| msg1(MsgKind::LabelFailed, e))?;
        let spec = LabelSpec::new(label, description);
        let shown = display_code(code);
        match self.settings.label_printer {
            LabelPrinter::None => Err(msg(MsgKind::NoLabelPrinter)),
            LabelPrinter::Zpl => {
                let zpl = render_zpl(&spec, self.settings.label_dpi)
                    .map_err(|e| msg1(MsgKind::LabelFailed, e))?;
                send_to_label_printer(&self.settings.label_device, zpl.as_bytes())
                    .map_err(|e| msg1(MsgKind::LabelFailed, e))?;
                Ok(msg1(MsgKind::LabelPrinted, shown))
            }
            LabelPrinter::Sheet => {
                let pdf = render_sheet_pdf(&[spec], &SheetLayout::a4(8, 3))
                    .map_err(|e| msg1(MsgKind::LabelFailed, e))?;
                let folder = &self.settings.documents_folder;
                check_folder(folder).map_err(|e| msg1(MsgKind::LabelFailed, e))?;
                let path = save_durably(folder, &format!("label-{shown}.pdf"), &pdf)
                    .map_err(|e| msg1(MsgKind::LabelFailed, e))?;
                self.spool(&path, &shown, msg1(MsgKind::LabelPrinted, &shown))
            }
        }
    }

    /// "Print a test label" in the settings: the site's first location label, or a sample.
    pub fn printing_test_label(&mut self, app: &AppWindow) {
        // What is on the screen is what gets tested: save it first.
        self.printing_save(app);
        let st = app.global::<PrintingState>();
        if !st.get_message_good() {
            return;
        }
        let (code, text) = match self.ledger.locations() {
            Ok(ls) if !ls.is_empty() => (ls[0].code.clone(), ls[0].name.clone()),
            _ => (
                LabelCode::from_number(custody_codes::LabelKind::Location, 1).to_string(),
                "TEST".to_string(),
            ),
        };
        say!(st, self.print_label(&code, &text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn every_kiosk_language_prints_documents_in_that_language() {
        let mut seen = Vec::new();
        for code in ["en", "sr@latin", "sr", "bs", "hr", "cnr", "sq", "mk", "ro"] {
            let l = document_language(code);
            assert_eq!(l == Language::English, code == "en", "{code}");
            assert!(!seen.contains(&l), "{code} shares a document language");
            seen.push(l);
        }
        assert_eq!(seen.len(), Language::ALL.len());
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_report_period_is_this_year_last_year_or_the_twelve_months_to_today() {
        let today = day(2026, 11, 30);
        assert_eq!(report_period("this_year", today), (day(2026, 1, 1), today));
        assert_eq!(
            report_period("last_year", today),
            (day(2025, 1, 1), day(2025, 12, 31))
        );
        assert_eq!(
            report_period("last_12_months", today),
            (day(2025, 12, 1), today)
        );
        // A leap day: twelve months back is the last day of February.
        assert_eq!(
            report_period("last_12_months", day(2028, 2, 29)),
            (day(2027, 3, 1), day(2028, 2, 29))
        );
        // Anything unknown is this year.
        assert_eq!(report_period("", today), (day(2026, 1, 1), today));
    }
}
