//! The settings screen (ui/settings.slint): language, sound, scanners, keys of other sites.

use super::*;
use crate::MsgKind;

impl Kiosk {
    pub fn refresh_settings(&self, app: &AppWindow) {
        let st = app.global::<SettingsState>();
        let rows = self
            .scanners
            .iter()
            .map(|s| ScannerRow {
                path: s.path.display().to_string().into(),
                profile: format!(
                    "{} {} ({})",
                    s.profile.vendor, s.profile.model, s.profile.name
                )
                .into(),
                status: s.status_key().into(),
                detail: match &s.state {
                    LinkState::Connected => String::new(),
                    LinkState::Waiting(r) | LinkState::Disconnected(r) => r.clone(),
                }
                .into(),
            })
            .collect();
        st.set_scanners(model(rows));
        st.set_fullscreen(self.options.fullscreen);
        st.set_idle_minutes((self.options.idle_logout.as_secs() / 60) as i32);
        st.set_ledger_path(self.ledger.path().display().to_string().into());
        st.set_sound(self.settings.sound);
        st.set_sound_available(self.sound.available());
        st.set_site_key_id(self.ledger.key_id().unwrap_or_default().into());
        match self.ledger.registry_status().ok().flatten() {
            Some(r) => {
                st.set_registry_last_push(crate::messages::time_text(&r.last_sync_time).into());
                st.set_registry_cosigned_seq(r.cosigned_seq.to_string().into());
            }
            None => {
                st.set_registry_last_push("".into());
                st.set_registry_cosigned_seq("".into());
            }
        }
        let trusted = self
            .ledger
            .trusted_keys()
            .unwrap_or_default()
            .into_iter()
            .map(|k| TrustedSite {
                name: k.name.into(),
                key_id: k.key_id.into(),
            })
            .collect();
        st.set_trusted(model(trusted));
        self.refresh_evidence_rules(&st);
        if st.get_key_folder().is_empty() {
            st.set_key_folder(self.settings.documents_folder.display().to_string().into());
        }
    }

    /// Sound after each scan, on or off, remembered for this PC.
    pub fn set_sound(&mut self, app: &AppWindow, on: bool) {
        self.touch();
        self.settings.sound = on;
        self.sound.enabled = on;
        app.global::<SettingsState>().set_sound(on);
        if let Err(m) = self.save_settings() {
            app.set_banner(m);
        }
    }

    /// Writes this site's public key file into the chosen folder, for another site's
    /// administrator to trust.
    pub fn export_key(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<SettingsState>();
        let folder = st.get_key_folder().trim().to_string();
        let answer = if folder.is_empty() {
            Err(msg(MsgKind::NeedFolder))
        } else {
            self.ledger
                .public_key_export()
                .map_err(|e| self.report(app, &e))
                .and_then(|text| {
                    let name = format!("{}.custody-key", self.ledger.key_id().unwrap_or_default());
                    crate::output::save_durably(Path::new(&folder), &name, text.as_bytes())
                        .map_err(|e| msg2(MsgKind::ExportFailed, &folder, e))
                })
                .map(|path| msg1(MsgKind::KeyWritten, path.display()))
        };
        say!(st, answer);
    }

    /// An administrator trusts another site's key from its key file; core checks the role
    /// and records the trust as an event.
    pub fn trust_key(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.actor.clone() else {
            return self.logout(app, None);
        };
        let st = app.global::<SettingsState>();
        let path = st.get_key_file().trim().to_string();
        let answer = if path.is_empty() {
            Err(msg(MsgKind::NeedKeyFile))
        } else {
            std::fs::read_to_string(&path)
                .map_err(|e| msg2(MsgKind::ReadFailed, &path, e))
                .and_then(|text| {
                    custody_core::bundle::read_public_key(&text).map_err(|e| self.report(app, &e))
                })
                .and_then(|(key, name_in_file)| {
                    let typed = st.get_key_name().trim().to_string();
                    let name = if typed.is_empty() {
                        name_in_file.unwrap_or_default()
                    } else {
                        typed
                    };
                    if name.is_empty() {
                        return Err(msg(MsgKind::NeedSiteName));
                    }
                    self.ledger
                        .trust_key(&actor, &key, &name)
                        .map_err(|e| self.report(app, &e))?;
                    st.set_key_file("".into());
                    st.set_key_name("".into());
                    Ok(msg1(MsgKind::KeyTrusted, name))
                })
        };
        say!(st, answer);
        self.refresh_settings(app);
    }

    /// Switches the UI language and remembers it for this PC.
    pub fn choose_language(&mut self, app: &AppWindow, code: &str) {
        self.touch();
        if !crate::select_language(code) {
            app.set_banner(msg1(MsgKind::LanguageUnavailable, code));
            return;
        }
        app.global::<SettingsState>().set_language(code.into());
        self.settings.language = code.to_string();
        if let Err(m) = self.save_settings() {
            app.set_banner(m);
        }
    }

    pub fn refresh_scanner_status(&self, app: &AppWindow) {
        let st = app.global::<ScanState>();
        let connected: Vec<_> = self
            .scanners
            .iter()
            .filter(|s| s.state == LinkState::Connected)
            .collect();
        let names: Vec<String> = connected
            .iter()
            .map(|s| format!("{} ({})", s.profile.model, s.path.display()))
            .collect();
        // Say plainly when a scanner's own beep comes at decode, before anything is recorded.
        let beeps_on_read = connected
            .iter()
            .any(|s| !s.profile.feedback_capability().keeps_the_promise());
        if names.is_empty() {
            st.set_scanner_ok(false);
            st.set_scanner(msg(MsgKind::ScannerMissing));
        } else if beeps_on_read {
            st.set_scanner_ok(true);
            st.set_scanner(msg1(MsgKind::ScannerBeepsOnRead, names.join(", ")));
        } else {
            st.set_scanner_ok(true);
            st.set_scanner(msg1(MsgKind::ScannerStatus, names.join(", ")));
        }
    }

    /// The evidence page shows the rules in force (a category without one shows empty).
    fn refresh_evidence_rules(&self, st: &SettingsState) {
        let settings = self.ledger.settings().unwrap_or_default();
        let value = |name: &str| {
            settings
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.value.clone())
                .filter(|v| v != "0")
                .unwrap_or_default()
        };
        for category in REVIEWED_CATEGORIES {
            set_review_days_field(
                st,
                category,
                value(&format!("review_days.{category}")).into(),
            );
        }
        let witness = value(custody_core::evidence::RELEASE_WITNESS);
        st.set_release_witness(
            if witness == "required" {
                "required"
            } else {
                "optional"
            }
            .into(),
        );
    }

    /// "Save evidence rules": each rule that differs from the one in force becomes a
    /// `site.setting` event (core refuses anyone but an administrator, and nonsense days).
    pub fn save_evidence_rules(&mut self, app: &AppWindow) {
        self.touch();
        let Some(admin) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<SettingsState>();
        let settings = self.ledger.settings().unwrap_or_default();
        let in_force = |name: &str, absent: &str| {
            settings
                .iter()
                .find(|s| s.name == name)
                .map_or(absent.to_string(), |s| s.value.clone())
        };
        let mut wanted: Vec<(String, String)> = REVIEWED_CATEGORIES
            .iter()
            .map(|category| {
                let typed = review_days_field(&st, category);
                let typed = typed.trim();
                let typed = if typed.is_empty() { "0" } else { typed };
                (format!("review_days.{category}"), typed.to_string())
            })
            .collect();
        wanted.push((
            custody_core::evidence::RELEASE_WITNESS.to_string(),
            st.get_release_witness().to_string(),
        ));
        let mut changed = 0;
        for (name, value) in wanted {
            let absent = if name == custody_core::evidence::RELEASE_WITNESS {
                "optional"
            } else {
                "0"
            };
            if in_force(&name, absent) == value {
                continue;
            }
            if let Err(e) = self.ledger.set_setting(&admin, &name, &value) {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                self.refresh_evidence_rules(&st);
                return;
            }
            changed += 1;
        }
        st.set_message_good(true);
        st.set_message(if changed == 0 {
            msg(MsgKind::RulesUnchanged)
        } else {
            msg(MsgKind::RulesSaved)
        });
        self.refresh_evidence_rules(&st);
    }
}

/// The exhibit categories whose first review an administrator sets on the evidence page.
const REVIEWED_CATEGORIES: [&str; 4] = ["weapon", "ammunition", "explosive", "other"];

/// The evidence page's field for a category's review days.
fn review_days_field(st: &SettingsState, category: &str) -> slint::SharedString {
    match category {
        "weapon" => st.get_review_weapon(),
        "ammunition" => st.get_review_ammunition(),
        "explosive" => st.get_review_explosive(),
        _ => st.get_review_other(),
    }
}

fn set_review_days_field(st: &SettingsState, category: &str, value: slint::SharedString) {
    match category {
        "weapon" => st.set_review_weapon(value),
        "ammunition" => st.set_review_ammunition(value),
        "explosive" => st.set_review_explosive(value),
        _ => st.set_review_other(value),
    }
}
