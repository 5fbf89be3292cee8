//! The scan strip (ui/scanstrip.slint) and the scan router: every scan, from a serial scanner or a
//! keyboard wedge, is committed in core first, then handed to the current screen, then shown and
//! answered with feedback.

use super::*;
use crate::MsgKind;

impl Kiosk {
    pub(super) fn push_scan(
        &mut self,
        app: &AppWindow,
        code: String,
        outcome: ScanMark,
        message: Msg,
    ) {
        self.recent.push_front(ScanRow {
            time: now_hms(),
            code: code.into(),
            outcome,
            message,
        });
        self.recent.truncate(RECENT_SCANS);
        let st = app.global::<ScanState>();
        st.set_recent(model(self.recent.iter().cloned().collect()));
        let good = matches!(outcome, ScanMark::Found | ScanMark::Moved | ScanMark::Added);
        st.set_flash(if good { 1 } else { 2 });
        self.sound.play(good);
        self.flash_until = Some(Instant::now() + FLASH);
    }

    /// One scan from any source: committed through core first, then routed to the current
    /// screen, then shown. Returns the feedback the scanner should give.
    pub fn handle_scan(&mut self, app: &AppWindow, input: ScanInput) -> Outcome {
        self.touch();
        let shown = printable(&input.data);
        let text = String::from_utf8(input.data.clone())
            .map(|t| t.trim().to_string())
            .unwrap_or_default();
        let screen = app.get_screen();
        let at_sign_in = self.actor.is_none() || screen == Screen::Login;
        // At the sign-in screen a readable scan is a badge: recorded as one, not looked up.
        let recorded = if at_sign_in && input.ignored.is_none() && !text.is_empty() {
            self.ledger.record_badge_scan(&input)
        } else {
            self.ledger.record_scan(self.actor.as_ref(), &input)
        };
        let recorded = match recorded {
            Ok(r) => r,
            Err(e) => {
                let m = self.report(app, &e);
                self.push_scan(app, shown, ScanMark::Error, m);
                return Outcome::Refused;
            }
        };
        if at_sign_in {
            // A badge at the sign-in screen: it fills the badge field.
            if !text.is_empty() {
                app.global::<LoginState>().set_badge(text.clone().into());
                self.push_scan(app, shown, ScanMark::Added, msg(MsgKind::EnterPin));
                return Outcome::Accepted;
            }
            self.push_scan(app, shown, ScanMark::Unknown, msg(MsgKind::ScanGarbled));
            return Outcome::Refused;
        }
        let is_location = !text.is_empty()
            && (is_location_code(&text)
                || self.ledger.find_location(&text).is_ok_and(|l| l.is_some()));
        if matches!(
            screen,
            Screen::Stocktake | Screen::Destruction | Screen::Handover
        ) && !text.is_empty()
            && !matches!(recorded.outcome, ScanOutcome::Ignored { .. })
        {
            let answer = self.workflow_scan(app, screen, &text);
            let row_text = match workflows::command_of(&text) {
                Some(cmd) => format!("[{}]", cmd.name()),
                None => display_code(&text),
            };
            self.push_scan(app, row_text, answer.row, answer.message);
            return answer.outcome;
        }
        match (screen, &recorded.outcome) {
            (Screen::Move, ScanOutcome::Found { code, .. }) => {
                let ok = self.move_add(app, code);
                let row = if ok {
                    ScanMark::Added
                } else {
                    ScanMark::Refused
                };
                let m = app.global::<MoveState>().get_message();
                self.push_scan(app, display_code(code), row, m);
                return if ok {
                    Outcome::Accepted
                } else {
                    Outcome::Refused
                };
            }
            (Screen::Move, ScanOutcome::Unknown { .. }) if is_location => {
                let moved = self.move_to(app, &text);
                let m = app.global::<MoveState>().get_message();
                let row = if moved > 0 {
                    ScanMark::Moved
                } else {
                    ScanMark::Refused
                };
                self.push_scan(app, display_code(&text), row, m);
                return if moved > 0 {
                    Outcome::Accepted
                } else {
                    Outcome::Refused
                };
            }
            (Screen::Intake, ScanOutcome::Unknown { .. }) if !text.is_empty() => {
                let st = app.global::<IntakeState>();
                if is_location {
                    st.set_location(text.clone().into());
                } else {
                    // A GS1 or IUID marking carries the serial inside; the whole mark is kept.
                    let (serial, marking) = marking_serial(&input.aim, &input.data, &text);
                    st.set_serial(serial.into());
                    st.set_marking(marking.into());
                    self.intake_identity_edited(app);
                }
                self.push_scan(app, shown, ScanMark::Added, msg(MsgKind::None));
                return Outcome::Accepted;
            }
            (Screen::Checkout, ScanOutcome::Unknown { .. }) if is_location => {
                app.global::<CheckoutState>()
                    .set_return_location(text.clone().into());
                self.push_scan(
                    app,
                    display_code(&text),
                    ScanMark::Added,
                    msg(MsgKind::None),
                );
                return Outcome::Accepted;
            }
            (Screen::Checkout, ScanOutcome::Found { code, .. }) => {
                app.global::<CheckoutState>()
                    .set_item(display_code(code).into());
            }
            (Screen::Search, ScanOutcome::Found { code, .. } | ScanOutcome::Alarm { code, .. }) => {
                let code = code.clone();
                self.search(app, &code);
            }
            // An exhibit scanned on the evidence screen is taken up there (a released one
            // still raises its alarm below).
            (
                Screen::Evidence,
                ScanOutcome::Found { code, .. } | ScanOutcome::Alarm { code, .. },
            ) => {
                let code = code.clone();
                self.evidence_show(app, &code);
            }
            _ => {}
        }
        match recorded.outcome {
            ScanOutcome::Found { code, status } => {
                self.push_scan(
                    app,
                    display_code(&code),
                    ScanMark::Found,
                    msg2(MsgKind::ScanFound, display_code(&code), status),
                );
                Outcome::Accepted
            }
            ScanOutcome::Alarm { code, status } => {
                self.session_alarms.push((code.clone(), status.clone()));
                self.push_scan(
                    app,
                    display_code(&code),
                    ScanMark::Alarm,
                    msg2(MsgKind::Alarm, display_code(&code), status),
                );
                if screen == Screen::Home {
                    self.refresh_home(app);
                }
                Outcome::Refused
            }
            ScanOutcome::Ignored { .. } | ScanOutcome::Badge => {
                self.push_scan(app, shown, ScanMark::Unknown, msg(MsgKind::ScanGarbled));
                Outcome::Refused
            }
            ScanOutcome::Unknown { .. } if is_location => {
                // A known place, not an item: a good read, and the screen says what it is.
                let place = self
                    .location_named(&text)
                    .unwrap_or_else(|| display_code(&text));
                self.push_scan(
                    app,
                    display_code(&text),
                    ScanMark::Found,
                    msg1(MsgKind::LocationScanned, place),
                );
                Outcome::Accepted
            }
            ScanOutcome::Unknown { reason } => {
                // Core says why (a typed reason); the screen words it in the chosen language.
                self.push_scan(app, shown, ScanMark::Unknown, unknown_scan(&reason));
                Outcome::Refused
            }
        }
    }

    /// Scanner-session events: scans are committed and acknowledged; state changes shown.
    pub fn poll_scanners(&mut self, app: &AppWindow) {
        let mut changed = false;
        for idx in 0..self.scanners.len() {
            let events = self.scanners[idx].drain();
            for ev in events {
                match ev {
                    ScanEvent::Scan(scan) => {
                        let input = self.scanners[idx].input(
                            scan.line.aim.map(|a| a.to_wire()).unwrap_or_default(),
                            scan.line.data.clone(),
                            None,
                        );
                        let outcome = self.handle_scan(app, input);
                        // Only now, after the commit, does the scanner beep.
                        self.scanners[idx].acknowledge(scan.id, outcome);
                    }
                    ScanEvent::Duplicate { data, .. } => {
                        // The same code again within the debounce window: counted once, but
                        // the read is evidence like every frame (as `custody scan` records it).
                        let link = &self.scanners[idx];
                        let why = IgnoredReason::Repeat {
                            within_ms: link.debounce.as_millis() as u64,
                        };
                        let input = link.input(String::new(), data, Some(why));
                        if let Err(err) = self.ledger.record_scan(self.actor.as_ref(), &input) {
                            self.report(app, &err);
                        }
                    }
                    ScanEvent::LineError(e) => {
                        // Unreadable frames are evidence too: recorded, never acted on.
                        let input = self.scanners[idx].input(
                            String::new(),
                            e.bytes().to_vec(),
                            Some(IgnoredReason::Unreadable {
                                detail: e.to_string(),
                            }),
                        );
                        if let Err(err) = self.ledger.record_scan(self.actor.as_ref(), &input) {
                            self.report(app, &err);
                        }
                        let m = msg(MsgKind::ScanGarbled);
                        self.push_scan(
                            app,
                            printable(e.to_string().as_bytes()),
                            ScanMark::Error,
                            m,
                        );
                    }
                    _ => changed = true,
                }
            }
        }
        if changed {
            self.refresh_scanner_status(app);
            if app.get_screen() == Screen::Settings {
                self.refresh_settings(app);
            }
        }
    }

    /// The keyboard-wedge scan field changed: new characters go to the burst detector with the
    /// time they arrived, so a scanner's burst is told apart from a person typing.
    pub fn wedge_edited(&mut self, text: &str) {
        self.touch();
        let now = Instant::now();
        let new: String = match text.strip_prefix(self.wedge_seen.as_str()) {
            Some(rest) => rest.to_string(),
            None => {
                // Edited in the middle or deleted: start over with what is there.
                self.wedge = BurstDetector::new(BurstThresholds::default());
                text.to_string()
            }
        };
        for c in new.chars() {
            let _ = self.wedge.push(Key::Char(c), now);
        }
        self.wedge_seen = text.to_string();
    }

    /// A key typed while a button had the keyboard focus: the start of a wedge scan (or typing
    /// meant for the scan field). It goes into the scan field, which takes the focus, so the
    /// rest of the burst and its Enter land there and no button is pressed by a scan.
    pub fn stray_key(&mut self, app: &AppWindow, text: &str) {
        let printable: String = text
            .chars()
            .filter(|c| !c.is_control() && !('\u{f700}'..='\u{f8ff}').contains(c))
            .collect();
        app.invoke_focus_scan_field();
        if printable.is_empty() {
            return;
        }
        let st = app.global::<ScanState>();
        let now = format!("{}{printable}", st.get_wedge_text());
        st.set_wedge_text(now.clone().into());
        self.wedge_edited(&now);
    }

    /// Enter in the scan field: a scan (burst) or a typed code; both are looked up.
    pub fn wedge_accepted(&mut self, app: &AppWindow, text: &str) -> Option<Outcome> {
        if self.wedge_seen != text {
            self.wedge_edited(text);
        }
        let events = self.wedge.push(Key::Enter, Instant::now());
        self.wedge_seen.clear();
        app.global::<ScanState>().set_wedge_text("".into());
        let mut last = None;
        for ev in events {
            let (text, source) = match ev {
                WedgeEvent::Scan(t) => (t, ScanSource::Wedge),
                WedgeEvent::Typed { text, enter: true } => (text, ScanSource::Typed),
                WedgeEvent::Typed { enter: false, .. } => continue,
            };
            if text.trim().is_empty() {
                continue;
            }
            let input = ScanInput {
                device: match source {
                    ScanSource::Wedge => "keyboard wedge",
                    _ => "keyboard (typed)",
                }
                .into(),
                port: String::new(),
                profile: String::new(),
                aim: String::new(),
                data: text.into_bytes(),
                ignored: None,
            };
            last = Some(self.handle_scan(app, input));
        }
        last
    }
}
