//! The search screen (ui/search.slint): an item and its custody history.

use super::*;
use crate::{AmendPair, AmendRow, MsgKind};
use slint::Model;

impl Kiosk {
    pub fn search(&mut self, app: &AppWindow, query: &str) {
        self.touch();
        let st = app.global::<SearchState>();
        let query = query.trim();
        // A scanned code is shown as printed on its label (W-XXXXX-XXXXX-X).
        st.set_query(display_code(query).into());
        if query.is_empty() {
            return;
        }
        match self.ledger.history(query) {
            Ok((item, history)) => {
                let language = crate::kiosk::documents::document_language(
                    &app.global::<SettingsState>().get_language(),
                );
                st.set_message(msg(MsgKind::None));
                st.set_code(item.code.clone().into());
                st.set_title(
                    format!("{}  {}", display_code(&item.code), item_summary(&item)).into(),
                );
                st.set_status(item.status.as_str().into());
                let mut details = Vec::new();
                if let Some(l) = &item.location_name {
                    details.push(l.clone());
                }
                if let Some(h) = &item.holder_name {
                    details.push(h.clone());
                }
                if let Some(t) = &item.checked_out_to {
                    details.push(format!(
                        "{t} ({})",
                        date_text(&item.due.clone().unwrap_or_default())
                    ));
                }
                if !item.calibre.is_empty() {
                    details.push(item.calibre.clone());
                }
                st.set_details(details.join(" · ").into());
                let rows = history
                    .into_iter()
                    .map(|h| HistoryRow {
                        seq: h.seq.to_string().into(),
                        time: time_text(&h.time).into(),
                        summary: history_line(language, &h).into(),
                        kind: h.kind.into(),
                        actor: h.actor.unwrap_or_default().into(),
                    })
                    .collect();
                st.set_history(model(rows));
            }
            Err(e) => {
                st.set_title("".into());
                st.set_code("".into());
                st.set_message_good(false);
                st.set_history(model(Vec::new()));
                st.set_message(match e {
                    CustodyError::UnknownItem(_) => msg1(MsgKind::NoResults, query),
                    other => self.report(app, &other),
                });
            }
        }
    }

    /// "Print label" on the search screen: a new label for the item shown (torn, lost, faded).
    pub fn search_print_label(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<SearchState>();
        let answer = self
            .ledger
            .find_item(&st.get_code())
            .map_err(|e| self.report(app, &e))
            .and_then(|item| self.print_label(&item.code, &item.label_text()));
        say!(st, answer);
    }

    /// "Correct record": a form with the record's amendable fields and their current values.
    pub fn search_start_amend(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<SearchState>();
        match self.ledger.find_item(&st.get_code()) {
            Ok(item) => {
                let rows: Vec<AmendRow> = custody_core::amend::amendable_fields(&item)
                    .into_iter()
                    .map(|(key, value)| AmendRow {
                        key: key.into(),
                        value: value.clone().into(),
                        original: value.into(),
                        identity: custody_core::amend::is_identity_field(key),
                    })
                    .collect();
                // Two fields a line, so that most of a record fits on the screen at once.
                let rows: Vec<AmendPair> = rows
                    .chunks(2)
                    .map(|pair| AmendPair {
                        left: pair[0].clone(),
                        right: pair.get(1).cloned().unwrap_or_default(),
                        has_right: pair.len() == 2,
                    })
                    .collect();
                st.set_amend_rows(model(rows));
                st.set_message(msg(MsgKind::None));
                st.set_amending(true);
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }

    /// A field of the correction form was edited: `index` counts fields, two to a line.
    pub fn search_amend_edited(&mut self, app: &AppWindow, index: i32, text: &str) {
        self.touch();
        let rows = app.global::<SearchState>().get_amend_rows();
        let Ok(index) = usize::try_from(index) else {
            return;
        };
        if let Some(mut pair) = rows.row_data(index / 2) {
            if index % 2 == 0 {
                pair.left.value = text.into();
            } else {
                pair.right.value = text.into();
            }
            rows.set_row_data(index / 2, pair);
        }
    }

    pub fn search_cancel_amendment(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<SearchState>();
        st.set_amending(false);
        st.set_second_pin("".into());
        st.set_message(msg(MsgKind::None));
    }

    /// Sends the changed fields to core, which decides whether a second person is needed and
    /// whether a new serial is free.
    pub fn search_save_amendment(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<SearchState>();
        let code = st.get_code().to_string();
        let changes: Vec<(String, String)> = st
            .get_amend_rows()
            .iter()
            .flat_map(|p| [Some(p.left), p.has_right.then_some(p.right)])
            .flatten()
            .filter(|r| r.value != r.original)
            .map(|r| (r.key.to_string(), r.value.to_string()))
            .collect();
        let second = match self.second_person(&st.get_second_badge(), &st.get_second_pin()) {
            None => None,
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => {
                st.set_second_pin("".into());
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                return;
            }
        };
        st.set_second_pin("".into());
        match self.ledger.amend_item(
            &actor,
            second.as_ref(),
            &code,
            &changes,
            &st.get_amend_reason(),
            &st.get_amend_reference(),
        ) {
            Ok(_) => {
                let n = changes.len();
                st.set_amending(false);
                st.set_amend_reason("".into());
                st.set_amend_reference("".into());
                st.set_second_badge("".into());
                self.search(app, &code);
                st.set_message_good(true);
                st.set_message(counted(
                    msg1(MsgKind::RecordAmended, display_code(&code)),
                    n,
                ));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }
}
