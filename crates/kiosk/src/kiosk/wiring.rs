//! The wiring: every Slint callback to the view model, and the timers (scanner polling, the
//! idle sign-out, the end of the flash).

use super::*;

/// Creates the window, wires every callback to the view model and starts the timers. The
/// returned handle keeps the view model alive as long as the window.
pub fn build_app(kiosk: Kiosk) -> Result<(AppWindow, Rc<RefCell<Kiosk>>), slint::PlatformError> {
    let app = AppWindow::new()?;
    let people: Vec<DemoPerson> = kiosk
        .options
        .demo_people
        .iter()
        .map(|p| DemoPerson {
            name: p.name.clone().into(),
            badge: p.badge.clone().into(),
            pin: p.pin.clone().into(),
            role: p.role.as_str().into(),
        })
        .collect();
    let site = kiosk.ledger.site_name().unwrap_or_default();
    app.set_demo_ledger(kiosk.ledger.is_demo().unwrap_or(false));
    app.set_site_name(site.clone().into());
    let login = app.global::<LoginState>();
    login.set_site_name(site.into());
    login.set_demo_people(model(people));
    app.global::<DemoState>().set_enabled(kiosk.demo.is_some());
    let kiosk = Rc::new(RefCell::new(kiosk));
    kiosk.borrow().refresh_scanner_status(&app);
    kiosk.borrow().refresh_settings(&app);
    kiosk.borrow().refresh_printing(&app);
    {
        // The language buttons, in two rows, from the one list of languages.
        let st = app.global::<SettingsState>();
        let (first, second) = custody_i18n::Language::ALL.split_at(5);
        let keys =
            |ls: &[custody_i18n::Language]| model(ls.iter().map(|l| l.code().into()).collect());
        let names = |ls: &[custody_i18n::Language]| {
            model(ls.iter().map(|l| l.native_name().into()).collect())
        };
        st.set_language_keys_1(keys(first));
        st.set_language_names_1(names(first));
        st.set_language_keys_2(keys(second));
        st.set_language_names_2(names(second));
    }
    {
        // The language this PC used last; `--lang` may still change it after this.
        let language = kiosk.borrow().settings.language.clone();
        if crate::select_language(&language) {
            app.global::<SettingsState>().set_language(language.into());
        }
    }

    // Each callback holds a weak window handle and the shared view model.
    macro_rules! on {
        ($global:ty, $setter:ident, |$k:ident, $a:ident $(, $arg:ident)*| $body:expr) => {{
            let weak = app.as_weak();
            let kiosk = kiosk.clone();
            app.global::<$global>().$setter(move |$($arg),*| {
                if let Some($a) = weak.upgrade() {
                    // A re-entrant call (a callback fired while the view model is busy) is
                    // dropped rather than panicking on the RefCell.
                    if let Ok(mut $k) = kiosk.try_borrow_mut() {
                        $body;
                    }
                }
            });
        }};
    }
    on!(LoginState, on_login, |k, a, badge, pin| k
        .login(&a, &badge, &pin));
    on!(LoginState, on_backspace, |k, a| {
        k.touch();
        let st = a.global::<LoginState>();
        let mut pin = st.get_pin().to_string();
        pin.pop();
        st.set_pin(pin.into());
    });
    on!(HomeState, on_refresh, |k, a| k.refresh_home(&a));
    on!(IntakeState, on_register, |k, a| k.register(&a));
    on!(IntakeState, on_identity_edited, |k, a| k
        .intake_identity_edited(&a));
    on!(IntakeState, on_print_label, |k, a| k.intake_print_label(&a));
    on!(IntakeState, on_clear, |k, a| {
        k.touch();
        clear_forms(&a);
    });
    on!(MoveState, on_add_item, |k, a, t| k.move_add(&a, &t));
    on!(MoveState, on_move_to, |k, a, t| k.move_to(&a, &t));
    on!(MoveState, on_clear, |k, a| k.move_clear(&a));
    on!(MoveState, on_transfer, |k, a| k.transfer(&a));
    on!(CheckoutState, on_check_out, |k, a| k.check_out(&a));
    on!(CheckoutState, on_check_in, |k, a| k.check_in(&a));
    on!(SearchState, on_search, |k, a, q| k.search(&a, &q));
    on!(SearchState, on_print_label, |k, a| k.search_print_label(&a));
    on!(SettingsState, on_choose_language, |k, a, code| {
        k.choose_language(&a, &code)
    });
    on!(SettingsState, on_set_sound, |k, a, on| k.set_sound(&a, on));
    on!(SettingsState, on_export_key, |k, a| k.export_key(&a));
    on!(SettingsState, on_trust_key, |k, a| k.trust_key(&a));
    on!(DocumentsState, on_save, |k, a| k.documents_issue(&a, false));
    on!(DocumentsState, on_print, |k, a| k.documents_issue(&a, true));
    on!(DocumentsState, on_use_usb, |k, a| k.documents_use_usb(&a));
    on!(PrintingState, on_save, |k, a| k.printing_save(&a));
    on!(PrintingState, on_test_label, |k, a| k
        .printing_test_label(&a));
    on!(SettingsState, on_rescan, |k, a| {
        k.touch();
        k.refresh_settings(&a);
    });
    on!(ScanState, on_wedge_edited, |k, a, t| {
        let _ = &a;
        k.wedge_edited(&t)
    });
    on!(ScanState, on_wedge_accepted, |k, a, t| k
        .wedge_accepted(&a, &t));
    on!(StocktakeState, on_open, |k, a| k.stocktake_open(&a));
    on!(StocktakeState, on_reconcile, |k, a| k
        .stocktake_reconcile(&a));
    on!(StocktakeState, on_resolve, |k, a| k.stocktake_resolve(&a));
    on!(StocktakeState, on_close, |k, a| k.stocktake_close(&a));
    on!(StocktakeState, on_back, |k, a| {
        k.touch();
        a.global::<StocktakeState>().set_reconciling(false);
        k.refresh_stocktake(&a);
    });
    on!(DestructionState, on_create, |k, a| k.destruction_create(&a));
    on!(DestructionState, on_add, |k, a, t| {
        let answer = k.destruction_add(&a, &t);
        let _ = answer;
    });
    on!(DestructionState, on_freeze, |k, a| k.destruction_freeze(&a));
    on!(DestructionState, on_confirm_recount, |k, a| {
        let _ = k.destruction_confirm_recount(&a);
    });
    on!(DestructionState, on_record, |k, a| k.destruction_record(&a));
    on!(DestructionState, on_execute, |k, a| k
        .destruction_execute(&a));
    on!(DestructionState, on_new_batch, |k, a| k.destruction_new(&a));
    on!(DestructionState, on_print_certificate, |k, a| k
        .destruction_print_certificate(&a));
    on!(StocktakeState, on_print_report, |k, a| k
        .stocktake_print_report(&a));
    on!(HandoverState, on_write_receipt, |k, a| {
        let _ = k.handover_write_receipt(&a);
    });
    on!(HandoverState, on_import_receipt, |k, a| k
        .handover_import_receipt(&a));
    on!(HandoverState, on_print_manifest, |k, a| k
        .handover_print_manifest(&a));
    on!(HandoverState, on_add_item, |k, a, t| {
        let _ = k.handover_add(&a, &t);
    });
    on!(HandoverState, on_clear, |k, a| k.handover_clear(&a));
    on!(HandoverState, on_dispatch, |k, a| {
        let _ = k.handover_dispatch(&a);
    });
    on!(HandoverState, on_export, |k, a| {
        let _ = k.handover_export(&a);
    });
    on!(HandoverState, on_import, |k, a| k.handover_import(&a));
    on!(HandoverState, on_receive, |k, a, t| {
        let _ = k.handover_receive(&a, &t);
    });
    on!(HandoverState, on_accept, |k, a| k.handover_accept(&a));
    on!(HandoverState, on_mode_changed, |k, a| {
        k.touch();
        a.global::<HandoverState>().set_message(Msg::default());
        k.refresh_handover(&a);
    });
    on!(HandoverState, on_settle_show, |k, a, t| k
        .handover_settle_show(&a, &t));
    on!(HandoverState, on_settle, |k, a| k.handover_settle(&a));
    on!(DestructionState, on_remove, |k, a, t| k
        .destruction_remove(&a, &t));
    on!(DestructionState, on_unfreeze, |k, a| k
        .destruction_unfreeze(&a));
    on!(DestructionState, on_cancel, |k, a| k.destruction_cancel(&a));
    on!(SearchState, on_start_amend, |k, a| k.search_start_amend(&a));
    on!(SearchState, on_amend_edited, |k, a, row, t| k
        .search_amend_edited(&a, row, &t));
    on!(SearchState, on_save_amendment, |k, a| k
        .search_save_amendment(&a));
    on!(SearchState, on_cancel_amendment, |k, a| k
        .search_cancel_amendment(&a));
    on!(EvidenceState, on_show, |k, a, t| k.evidence_show(&a, &t));
    on!(EvidenceState, on_back, |k, a| k.evidence_back(&a));
    on!(EvidenceState, on_decide, |k, a| k.evidence_decide(&a));
    on!(EvidenceState, on_set_hold, |k, a, hold| k
        .evidence_hold(&a, hold));
    on!(EvidenceState, on_release, |k, a| k.evidence_release(&a));
    on!(EvidenceState, on_print_receipt, |k, a| k
        .evidence_print_receipt(&a));
    on!(DemoState, on_fire, |k, a, what| k.demo_fire(&a, &what));
    on!(crate::Activity, on_stray_key, |k, a, text| k
        .stray_key(&a, &text));
    on!(crate::Activity, on_touched, |k, a| {
        let _ = &a;
        k.touch()
    });
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        app.on_navigate(move |screen| {
            if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                k.navigate(&a, screen);
            }
        });
    }
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        app.on_logout(move || {
            if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                k.logout(&a, None);
            }
        });
    }
    {
        let weak = app.as_weak();
        app.on_dismiss_banner(move || {
            if let Some(a) = weak.upgrade() {
                a.set_banner(Msg::default());
            }
        });
    }
    Ok((app, kiosk))
}

/// Starts the timers that poll the scanners (every 30 ms) and check idleness (every second).
/// Keep the returned timers alive while the window runs.
pub fn start_timers(app: &AppWindow, kiosk: &Rc<RefCell<Kiosk>>) -> Vec<slint::Timer> {
    let poll = slint::Timer::default();
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        poll.start(
            slint::TimerMode::Repeated,
            Duration::from_millis(30),
            move || {
                if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                    k.poll_scanners(&a);
                }
            },
        );
    }
    let tick = slint::Timer::default();
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        tick.start(
            slint::TimerMode::Repeated,
            Duration::from_millis(250),
            move || {
                if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                    k.tick(&a);
                }
            },
        );
    }
    vec![poll, tick]
}
