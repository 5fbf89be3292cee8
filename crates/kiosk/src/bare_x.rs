//! A site PC boots into a bare X server (`xinit`, no window manager, see
//! `packaging/custody-kiosk.service`). Nobody there honours a full-screen request or hands a
//! window the keyboard: the kiosk would sit in a corner at its default size, and a keyboard-wedge
//! scanner's first scan after boot could reach no field. So, when asked for full screen on X11
//! with no window manager, the kiosk itself stretches its window over the screen and takes the
//! input focus. Under a window manager or compositor it leaves both to them.

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConfigureWindowAux, ConnectionExt, InputFocus, MapState};
use x11rb::wrapper::ConnectionExt as _;

/// What [`fill_screen_and_focus`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum BareX {
    /// Our window now covers the screen and has the keyboard.
    Taken { width: u16, height: u16 },
    /// A window manager runs: it owns placement and focus.
    ManagedByWindowManager,
    /// No X display (Wayland, LinuxKMS, or none at all).
    NoX,
    /// The window never appeared within the wait.
    NoWindow,
}

/// Waits (up to `wait`) for this process's window to be mapped, then sizes it to the screen and
/// gives it the input focus. Runs on its own thread and its own X connection: it needs nothing
/// from the event loop, and the event loop needs nothing from it.
pub fn fill_screen_and_focus(wait: Duration) -> BareX {
    let Ok((conn, screen_num)) = x11rb::connect(None) else {
        return BareX::NoX;
    };
    let Some(screen) = conn.setup().roots.get(screen_num) else {
        return BareX::NoX;
    };
    let (root, width, height) = (screen.root, screen.width_in_pixels, screen.height_in_pixels);
    if window_manager_present(&conn, root).unwrap_or(true) {
        return BareX::ManagedByWindowManager;
    }
    let started = Instant::now();
    while started.elapsed() < wait {
        if let Ok(Some(window)) = our_mapped_window(&conn, root) {
            let taken = conn
                .configure_window(
                    window,
                    &ConfigureWindowAux::new()
                        .x(0)
                        .y(0)
                        .width(u32::from(width))
                        .height(u32::from(height)),
                )
                .and_then(|_| conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME))
                .is_ok()
                && conn.sync().is_ok();
            if taken {
                return BareX::Taken { width, height };
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    BareX::NoWindow
}

type XResult<T> = Result<T, Box<dyn std::error::Error>>;

/// EWMH: a running window manager announces itself with `_NET_SUPPORTING_WM_CHECK` on the root.
fn window_manager_present(conn: &impl Connection, root: u32) -> XResult<bool> {
    let check = conn
        .intern_atom(false, b"_NET_SUPPORTING_WM_CHECK")?
        .reply()?
        .atom;
    let prop = conn
        .get_property(false, root, check, AtomEnum::WINDOW, 0, 1)?
        .reply()?;
    Ok(prop.value_len > 0)
}

/// The top-level window whose `_NET_WM_PID` is ours and that is on screen.
fn our_mapped_window(conn: &impl Connection, root: u32) -> XResult<Option<u32>> {
    let pid_atom = conn.intern_atom(false, b"_NET_WM_PID")?.reply()?.atom;
    let me = std::process::id();
    for window in conn.query_tree(root)?.reply()?.children {
        let pid = conn
            .get_property(false, window, pid_atom, AtomEnum::CARDINAL, 0, 1)?
            .reply()?;
        if pid.value32().and_then(|mut v| v.next()) != Some(me) {
            continue;
        }
        if conn.get_window_attributes(window)?.reply()?.map_state == MapState::VIEWABLE {
            return Ok(Some(window));
        }
    }
    Ok(None)
}
