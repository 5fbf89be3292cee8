//! `custody-kiosk`: the touch-screen kiosk (`custody-kiosk --help`; manual page in
//! packaging/debian/custody-kiosk.1).
//!
//!   custody-kiosk --demo [--fullscreen]          a throw-away demo site with a simulated scanner
//!   custody-kiosk --db site.db [--scanner /dev/ttyACM0 --profile NAME] [--fullscreen]

mod bare_x;

use clap::{ArgGroup, Parser};
use custody_kiosk::kiosk::start_timers;
use custody_kiosk::scanner::{detect, profile_or_generic, DemoScanner, ScannerLink};
use custody_kiosk::{build_app, demo, select_language, Kiosk, KioskOptions};
use slint::ComponentHandle;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The touch-screen kiosk of a depot or evidence room.
#[derive(Parser, Debug)]
#[command(name = "custody-kiosk", version)]
#[command(group(ArgGroup::new("ledger").required(true).args(["demo", "db"])))]
struct Args {
    /// A throw-away demonstration site with a simulated scanner; nothing is kept
    #[arg(long)]
    demo: bool,
    /// The site ledger (on a site PC: /var/lib/custody/custody.db)
    #[arg(long, value_name = "LEDGER")]
    db: Option<PathBuf>,
    /// Cover the whole screen (with no window manager the kiosk sizes itself and takes the
    /// keyboard)
    #[arg(long)]
    fullscreen: bool,
    /// Use this serial scanner instead of finding scanners by themselves
    #[arg(long, value_name = "PORT")]
    scanner: Option<PathBuf>,
    /// The scanner profile for --scanner (firmware-config/*.toml; default: generic CDC)
    #[arg(long, value_name = "NAME", requires = "scanner")]
    profile: Option<String>,
    /// Sign out after this many minutes without activity
    #[arg(long, value_name = "N", default_value_t = 5)]
    idle_minutes: u64,
    /// Language of the screens: en, sr@latin, sr, bs, hr, cnr, sq, mk, ro (an unknown one
    /// falls back to English rather than keeping a site PC from starting)
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
    /// How many weapons the demo site starts with
    #[arg(long, value_name = "N", default_value_t = 300)]
    demo_weapons: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("custody-kiosk: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    // The demo folder lives as long as the window and is removed afterwards.
    let temp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let mut options = KioskOptions {
        idle_logout: Duration::from_secs(args.idle_minutes.max(1) * 60),
        fullscreen: args.fullscreen,
        demo_people: Vec::new(),
    };
    let (ledger_path, demo_site) = if args.demo {
        eprintln!("Building the demo site ({} weapons)...", args.demo_weapons);
        let site = demo::seed_demo(temp.path(), args.demo_weapons).map_err(|e| e.to_string())?;
        options.demo_people = site.people.clone();
        (site.ledger_path.clone(), Some(site))
    } else {
        (args.db.clone().unwrap_or_default(), None)
    };
    let ledger = custody_core::Ledger::open(&ledger_path).map_err(|e| e.to_string())?;
    let mut kiosk = Kiosk::new(ledger, options);

    if let Some(site) = &demo_site {
        let link = temp.path().join("demo-scanner");
        let sim = DemoScanner::create(&link)
            .map_err(|e| format!("cannot create the simulated scanner: {e}"))?;
        let profile =
            profile_or_generic(None).ok_or("the built-in scanner profiles are missing")?;
        match ScannerLink::start(sim.host_path(), profile, true) {
            Ok(l) => kiosk.scanners.push(l),
            Err(e) => eprintln!("demo scanner not started: {e}"),
        }
        kiosk.demo = Some(sim);
        kiosk.demo_codes = (site.weapon_codes.clone(), site.location_codes.clone());
        kiosk.demo_destroyed = site.destroyed_codes.clone();
    }
    let ports = match &args.scanner {
        Some(p) => profile_or_generic(args.profile.as_deref())
            .map(|prof| vec![(p.clone(), prof)])
            .unwrap_or_default(),
        None if args.demo => Vec::new(),
        None => detect(),
    };
    for (path, profile) in ports {
        // A missing or failing scanner is shown on screen, never fatal.
        match ScannerLink::start(&path, profile, false) {
            Ok(l) => kiosk.scanners.push(l),
            Err(e) => eprintln!("scanner {} not started: {e}", path.display()),
        }
    }

    let (app, kiosk) = build_app(kiosk).map_err(|e| format!("cannot open the window: {e}"))?;
    if let Some(lang) = &args.lang {
        if select_language(lang) {
            // The settings screen shows the language in use as the selected one.
            app.global::<custody_kiosk::SettingsState>()
                .set_language(lang.as_str().into());
        } else {
            eprintln!("language '{lang}' is not available; using English");
        }
    }
    let _timers = start_timers(&app, &kiosk);
    app.window().set_fullscreen(args.fullscreen);
    if args.fullscreen {
        std::thread::spawn(|| {
            let found = bare_x::fill_screen_and_focus(Duration::from_secs(15));
            if found == bare_x::BareX::NoWindow {
                eprintln!("full screen: the window did not appear on the X screen in time");
            }
        });
    }
    app.show()
        .map_err(|e| format!("cannot show the window: {e}"))?;
    app.invoke_focus_scan_field();
    slint::run_event_loop().map_err(|e| format!("the window failed: {e}"))?;
    drop(app);
    drop(kiosk);
    drop(temp);
    Ok(())
}
