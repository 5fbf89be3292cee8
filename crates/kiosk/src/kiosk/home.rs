//! The home screen (ui/home.slint): counts by status, what needs attention.

use super::*;
use crate::MsgKind;

impl Kiosk {
    pub fn refresh_home(&mut self, app: &AppWindow) {
        let st = app.global::<HomeState>();
        // One aggregate query in core: the overview stays instant at 100,000 items.
        let counts = match self.ledger.status_counts() {
            Ok(counts) => counts,
            Err(e) => {
                self.report(app, &e);
                return;
            }
        };
        let total: u64 = counts.iter().map(|c| c.1).sum();
        let rows = counts
            .iter()
            .map(|(s, n)| StatusCount {
                status: s.as_str().into(),
                count: i32::try_from(*n).unwrap_or(i32::MAX),
                text: number_text(*n).into(),
            })
            .collect();
        st.set_counts(model(rows));
        match self.ledger.ammo_stores() {
            Ok(stores) => st.set_stores(model(super::ammunition::store_rows(&stores))),
            Err(e) => {
                self.report(app, &e);
            }
        }
        st.set_total(i32::try_from(total).unwrap_or(i32::MAX));
        st.set_total_text(number_text(total).into());
        let mut alerts = Vec::new();
        for (code, status) in self.session_alarms.iter().rev() {
            alerts.push(AlertRow {
                message: msg2(MsgKind::AlarmScan, display_code(code), status),
                severe: true,
            });
        }
        match self.ledger.overdue(chrono::Local::now().date_naive()) {
            Ok(overdue) => {
                for i in overdue {
                    alerts.push(AlertRow {
                        message: msg3(
                            MsgKind::Overdue,
                            display_code(&i.code),
                            date_text(&i.due.clone().unwrap_or_default()),
                            i.checked_out_to.clone().unwrap_or_default(),
                        ),
                        severe: false,
                    });
                }
            }
            Err(e) => {
                self.report(app, &e);
            }
        }
        // Counts left open (here or at another kiosk) until someone finishes them.
        match self.ledger.stocktakes() {
            Ok(counts) => {
                for c in counts.iter().filter(|c| c.state == "open") {
                    alerts.push(AlertRow {
                        message: counted(
                            msg2(
                                MsgKind::OpenCount,
                                display_code(&c.code),
                                number_text(c.scans),
                            ),
                            c.scans,
                        ),
                        severe: false,
                    });
                }
            }
            Err(e) => {
                self.report(app, &e);
            }
        }
        // Exhibits whose review date has come: a decision is owed (keep, release, destroy ...).
        match self.ledger.evidence_due(chrono::Local::now().date_naive()) {
            Ok(due) => {
                for i in due {
                    alerts.push(AlertRow {
                        message: msg3(
                            MsgKind::ReviewDue,
                            display_code(&i.code),
                            i.case_number.clone(),
                            date_text(&i.review_date.clone().unwrap_or_default()),
                        ),
                        severe: false,
                    });
                }
            }
            Err(e) => {
                self.report(app, &e);
            }
        }
        for s in &self.scanners {
            if s.state != LinkState::Connected {
                alerts.push(AlertRow {
                    message: msg1(MsgKind::ScannerStatus, s.path.display()),
                    severe: false,
                });
            }
        }
        st.set_alerts(model(alerts));
    }
}
