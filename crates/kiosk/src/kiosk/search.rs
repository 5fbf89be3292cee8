//! The search screen (ui/search.slint): an item and its custody history.

use super::*;
use crate::MsgKind;

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
}
