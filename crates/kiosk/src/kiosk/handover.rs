//! The handover screen (ui/handover.slint): sending (list, dispatch, bundle, manifest) and
//! receiving (import, count on arrival, sign for, receipt).

use super::workflows::*;
use super::{model, Kiosk};
use crate::messages::{counted, display_code, msg, msg1, msg2, msg3};
use crate::output::save_durably;
use crate::MsgKind;
use crate::{AppWindow, HandoverState, Msg, ScanMark};
use custody_core::documents::DocumentKind;
use custody_core::{Actor, CustodyError, HandoverDetails, ItemView};
use custody_scan::Outcome;
use slint::ComponentHandle;

/// This screen's own state: the list being sent, the handover going out, the bundle coming in.
#[derive(Debug, Default)]
pub(crate) struct HandoverScreen {
    pub(super) send_list: Vec<ItemView>,
    pub(super) outgoing: Option<String>,
    pub(super) incoming: Option<String>,
    /// The handover signed for here last: its receipt and manifest are still to hand out.
    pub(super) received: Option<String>,
}

impl Kiosk {
    pub(super) fn refresh_handover(&self, app: &AppWindow) {
        let st = app.global::<HandoverState>();
        st.set_items(model(self.handover.send_list.iter().map(line).collect()));
        st.set_out_code(
            self.handover
                .outgoing
                .as_deref()
                .map(display_code)
                .unwrap_or_default()
                .into(),
        );
        match self
            .handover
            .incoming
            .as_ref()
            .and_then(|c| self.ledger.handover(c).ok())
        {
            Some(h) => {
                st.set_in_code(display_code(&h.code).into());
                st.set_in_heading(
                    format!(
                        "{} → {} · {} · {}",
                        h.details.sender,
                        h.details.receiver,
                        h.details.legal_basis,
                        h.details.seals.join(", ")
                    )
                    .into(),
                );
                st.set_expected(h.items as i32);
            }
            None => {
                st.set_in_code("".into());
                st.set_in_heading("".into());
            }
        }
        st.set_done_code(
            self.handover
                .received
                .as_deref()
                .map(display_code)
                .unwrap_or_default()
                .into(),
        );
    }

    /// Adds an item to the dispatch list; core checks it again when the list is dispatched.
    pub fn handover_add(&mut self, app: &AppWindow, text: &str) -> Answer {
        self.touch();
        let st = app.global::<HandoverState>();
        let answer = match self.ledger.find_item(text.trim()) {
            Ok(item) if item.status.is_terminal() => refused(
                ScanMark::Alarm,
                msg2(
                    MsgKind::Alarm,
                    display_code(&item.code),
                    item.status.as_str(),
                ),
            ),
            Ok(item) => {
                let m = msg1(MsgKind::Listed, display_code(&item.code));
                if !self.handover.send_list.iter().any(|i| i.id == item.id) {
                    self.handover.send_list.push(item);
                }
                st.set_entry("".into());
                good(m)
            }
            Err(e) => refused(ScanMark::Unknown, self.report(app, &e)),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        self.refresh_handover(app);
        answer
    }

    pub fn handover_clear(&mut self, app: &AppWindow) {
        self.touch();
        self.handover.send_list.clear();
        let st = app.global::<HandoverState>();
        st.set_message_good(true);
        st.set_message(msg(MsgKind::ListCleared));
        self.refresh_handover(app);
    }

    pub fn handover_dispatch(&mut self, app: &AppWindow) -> Outcome {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return Outcome::Refused;
        };
        let st = app.global::<HandoverState>();
        if self.handover.send_list.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NeedItems));
            return Outcome::Refused;
        }
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        };
        let details = HandoverDetails {
            sender: st.get_sender().to_string(),
            receiver: st.get_receiver().to_string(),
            legal_basis: st.get_legal_basis().to_string(),
            transport: st.get_transport().to_string(),
            containers: Vec::new(),
            seals: list(&st.get_seals()),
            note: String::new(),
        };
        let codes: Vec<String> = self
            .handover
            .send_list
            .iter()
            .map(|i| i.code.clone())
            .collect();
        let outcome = match self.ledger.handover_dispatch(&actor, &details, &codes) {
            Ok(h) => {
                self.handover.outgoing = Some(h.code.clone());
                self.handover.send_list.clear();
                st.set_message_good(true);
                st.set_message(counted(
                    msg2(MsgKind::Dispatched, display_code(&h.code), h.items),
                    h.items,
                ));
                Outcome::Accepted
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                Outcome::Refused
            }
        };
        self.refresh_handover(app);
        outcome
    }

    /// Writes a signed file from core (a bundle, a receipt) into the handover screen's folder
    /// as `<manifest code>.<extension>`, through a temporary file renamed into place, so a
    /// pulled stick never holds half a file. `code` is the handover it is about, if any.
    fn write_handover_file(
        &mut self,
        app: &AppWindow,
        code: Option<String>,
        missing: MsgKind,
        extension: &str,
        signed: impl FnOnce(&mut custody_core::Ledger, &Actor, &str) -> custody_core::Result<Vec<u8>>,
    ) -> Result<std::path::PathBuf, Msg> {
        self.touch();
        let actor = self
            .signed_in(app)
            .ok_or_else(|| msg(MsgKind::EnterBadge))?;
        let code = code.ok_or_else(|| msg(missing))?;
        let folder = app
            .global::<HandoverState>()
            .get_folder()
            .trim()
            .to_string();
        if folder.is_empty() {
            return Err(msg(MsgKind::NeedFolder));
        }
        let bytes = signed(&mut self.ledger, &actor, &code).map_err(|e| self.report(app, &e))?;
        let name = format!("{}.{extension}", display_code(&code));
        save_durably(std::path::Path::new(&folder), &name, &bytes)
            .map_err(|e| msg2(MsgKind::ExportFailed, &folder, e))
    }

    /// Reads the file named in one of the handover screen's fields (a bundle, a receipt).
    fn read_handover_file(path: &str, missing: MsgKind) -> Result<Vec<u8>, Msg> {
        let path = path.trim();
        if path.is_empty() {
            return Err(msg(missing));
        }
        custody_core::files::read_limited(
            std::path::Path::new(path),
            custody_core::bundle::MAX_BUNDLE_BYTES as u64,
        )
        .map_err(|e| msg2(MsgKind::ReadFailed, path, e))
    }

    /// The site a bundle is addressed to: the one typed, or the only trusted site.
    fn export_recipient(&self, app: &AppWindow) -> Result<String, Msg> {
        let typed = app
            .global::<HandoverState>()
            .get_recipient()
            .trim()
            .to_string();
        if !typed.is_empty() {
            return Ok(typed);
        }
        let trusted = self
            .ledger
            .trusted_keys()
            .map_err(|e| self.report(app, &e))?;
        match trusted.as_slice() {
            [only] => Ok(only.key_id.clone()),
            [] => Err(msg(MsgKind::TrustNeeded)),
            _ => Err(msg(MsgKind::NameRecipient)),
        }
    }

    /// Sending side: the signed bundle onto the stick that travels with the items.
    pub fn handover_export(&mut self, app: &AppWindow) -> Option<std::path::PathBuf> {
        let code = self.handover.outgoing.clone();
        // A handover must be dispatched before it matters where its bundle goes.
        let recipient = match code {
            Some(_) => self.export_recipient(app),
            None => Ok(String::new()),
        };
        let written = recipient.and_then(|recipient| {
            self.write_handover_file(
                app,
                code,
                MsgKind::NothingDispatched,
                "custody",
                |l, a, c| l.handover_export(a, c, &recipient),
            )
        });
        let path = written.as_ref().ok().cloned();
        say!(
            app.global::<HandoverState>(),
            written.map(|p| msg1(MsgKind::Exported, p.display())),
        );
        path
    }

    pub fn handover_import(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let answer = Self::read_handover_file(&st.get_bundle_path(), MsgKind::NeedBundleFile)
            .and_then(|bytes| {
                let h = self
                    .ledger
                    .handover_import(&actor, &bytes)
                    .map_err(|e| self.report(app, &e))?;
                self.handover.incoming = Some(h.code.clone());
                st.set_counted(0);
                Ok(counted(
                    msg2(MsgKind::Imported, display_code(&h.code), h.items),
                    h.items,
                ))
            });
        say!(st, answer);
        self.refresh_handover(app);
    }

    /// One item scanned on arrival: core logs it (on the list or extra) and answers the tally.
    pub fn handover_receive(&mut self, app: &AppWindow, text: &str) -> Answer {
        self.touch();
        let Some(actor) = self.actor.clone() else {
            return refused(ScanMark::Refused, msg(MsgKind::EnterBadge));
        };
        let st = app.global::<HandoverState>();
        let Some(code) = self.handover.incoming.clone() else {
            return refused(ScanMark::Refused, msg(MsgKind::NothingImported));
        };
        let text = text.trim().to_string();
        let answer = match self
            .ledger
            .handover_receive(&actor, &code, std::slice::from_ref(&text))
        {
            Ok(t) => {
                st.set_counted(t.counted as i32);
                st.set_expected(t.expected as i32);
                st.set_entry("".into());
                if t.on_list {
                    good(msg1(MsgKind::Arrived, display_code(&text)))
                } else {
                    refused(
                        ScanMark::Refused,
                        msg1(MsgKind::ArrivedExtra, display_code(&text)),
                    )
                }
            }
            Err(e) => refused(ScanMark::Error, self.report(app, &e)),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        answer
    }

    pub fn handover_accept(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let Some(code) = self.handover.incoming.clone() else {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NothingImported));
            return;
        };
        let location = st.get_location().trim().to_string();
        let location = (!location.is_empty()).then_some(location);
        // A witness at the sign-for is optional; when named, they sign with their own PIN.
        let (badge, pin) = (st.get_witness_badge(), st.get_witness_pin());
        st.set_witness_pin("".into());
        let witness = match self.second_person(&badge, &pin) {
            None if !badge.trim().is_empty() => {
                st.set_message_good(false);
                st.set_message(msg(MsgKind::WitnessAuth));
                return;
            }
            None => None,
            Some(Err(e)) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                return;
            }
            Some(Ok(w)) => Some(w),
        };
        match self
            .ledger
            .handover_accept(&actor, witness.as_ref(), &code, location.as_deref())
        {
            Ok(a) => {
                self.handover.incoming = None;
                self.handover.received = Some(code.clone());
                st.set_location("".into());
                st.set_witness_badge("".into());
                st.set_message_good(a.missing.is_empty() && a.extra.is_empty());
                st.set_message(counted(
                    msg3(
                        MsgKind::Accepted,
                        a.received.len(),
                        a.missing.len(),
                        a.extra.len(),
                    ),
                    a.received.len(),
                ));
            }
            Err(CustodyError::SamePerson(_)) => {
                st.set_message_good(false);
                st.set_message(msg(MsgKind::WitnessDistinct));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_handover(app);
    }

    /// Receiving side: the signed receipt, written to the folder (the USB stick going back).
    pub fn handover_write_receipt(&mut self, app: &AppWindow) -> Option<std::path::PathBuf> {
        let code = self.handover.received.clone();
        let written =
            self.write_handover_file(app, code, MsgKind::NothingImported, "receipt", |l, a, c| {
                l.handover_receipt(a, c)
            });
        let path = written.as_ref().ok().cloned();
        say!(
            app.global::<HandoverState>(),
            written.map(|p| msg1(MsgKind::ReceiptWritten, p.display())),
        );
        path
    }

    /// Sending side: the receiver's signed receipt closes the handover here.
    pub fn handover_import_receipt(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let answer = Self::read_handover_file(&st.get_receipt_path(), MsgKind::NeedReceiptFile)
            .and_then(|bytes| {
                let h = self
                    .ledger
                    .handover_import_receipt(&actor, &bytes)
                    .map_err(|e| self.report(app, &e))?;
                let received = h
                    .counts
                    .iter()
                    .find(|(state, _)| state == "received")
                    .map_or(0, |(_, n)| *n);
                st.set_receipt_path("".into());
                Ok(counted(
                    msg2(MsgKind::ReceiptImported, display_code(&h.code), received),
                    received,
                ))
            });
        say!(st, answer);
    }

    /// The manifest of the handover on screen (sent or just received), sealed and printed.
    pub fn handover_print_manifest(&mut self, app: &AppWindow) {
        let code = match app.global::<HandoverState>().get_mode().as_str() {
            "send" => self.handover.outgoing.clone(),
            _ => self.handover.received.clone(),
        };
        let answer = self.print_finished(app, DocumentKind::HandoverManifest, code);
        say!(app.global::<HandoverState>(), answer);
    }

    /// Sending side: the items a receipt named missing and not yet settled, for one manifest.
    pub fn handover_settle_show(&mut self, app: &AppWindow, text: &str) {
        self.touch();
        let st = app.global::<HandoverState>();
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let answer = self
            .ledger
            .handover(text)
            .and_then(|h| Ok((self.ledger.handover_unsettled(&h.code)?, h.code)))
            .map(|(missing, code)| {
                st.set_settle_code(display_code(&code).into());
                st.set_settle_missing(model(
                    missing.iter().map(|c| display_code(c).into()).collect(),
                ));
                msg(MsgKind::None)
            })
            .map_err(|e| {
                st.set_settle_code("".into());
                st.set_settle_missing(model(Vec::new()));
                self.report(app, &e)
            });
        say!(st, answer);
    }

    /// Settles every unsettled missing item of the manifest shown, with a co-signer.
    pub fn handover_settle(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let code = st.get_settle_code().to_string();
        if code.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NeedManifest));
            return;
        }
        let cosigner = self.second_person(&st.get_cosigner_badge(), &st.get_cosigner_pin());
        st.set_cosigner_pin("".into());
        let cosigner = match cosigner {
            None => {
                st.set_message_good(false);
                st.set_message(msg(MsgKind::SecondPerson));
                return;
            }
            Some(Err(e)) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                return;
            }
            Some(Ok(c)) => c,
        };
        let n = self.ledger.handover_unsettled(&code).map_or(0, |m| m.len());
        let answer = self
            .ledger
            .handover_settle(
                &actor,
                &cosigner,
                &code,
                &[],
                &st.get_settle_reference(),
                &st.get_settle_note(),
            )
            .map(|_| {
                st.set_settle_reference("".into());
                st.set_settle_note("".into());
                st.set_cosigner_badge("".into());
                counted(msg1(MsgKind::SettledLost, &code), n)
            })
            .map_err(|e| self.report(app, &e));
        say!(st, answer);
        if let Ok(missing) = self.ledger.handover_unsettled(&code) {
            st.set_settle_missing(model(
                missing.iter().map(|c| display_code(c).into()).collect(),
            ));
        }
    }
}
