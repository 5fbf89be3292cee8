//! Finding and opening scanner ports. USB ids come from sysfs (no libudev needed); a port is
//! matched to a profile by USB vendor id plus interface class, not by product id lists.

use crate::profile::{match_profile, FlowControl, LineSettings, Parity, Profile};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A serial port that may be a scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortInfo {
    /// Device path: the stable udev name (/dev/custody-scanner-…) when there is one, else e.g.
    /// /dev/ttyACM0.
    pub path: PathBuf,
    pub usb_vid: Option<u16>,
    pub usb_pid: Option<u16>,
    /// USB interface class of the tty's interface (0x02 = CDC).
    pub interface_class: Option<u8>,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    /// Name of the best-fitting profile, if any.
    pub matched_profile: Option<String>,
}

/// USB serial ports on this machine (Linux sysfs; empty elsewhere), matched to `profiles`.
pub fn list_ports(profiles: &[Profile]) -> Vec<PortInfo> {
    list_ports_in(Path::new("/sys/class/tty"), Path::new("/dev"), profiles)
}

/// Like [`list_ports`] over another sysfs tty folder and /dev folder (for tests).
pub fn list_ports_in(sys_tty: &Path, dev: &Path, profiles: &[Profile]) -> Vec<PortInfo> {
    let Ok(entries) = std::fs::read_dir(sys_tty) else {
        return Vec::new();
    };
    let stable = stable_names(dev);
    let mut ports = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Only USB ttys can be handheld scanners; this also skips the many virtual consoles.
        let Ok(iface) = std::fs::canonicalize(entry.path().join("device")) else {
            continue;
        };
        let interface_class = read_hex(&iface.join("bInterfaceClass")).map(|v| v as u8);
        let Some(usb_dev) = iface
            .ancestors()
            .take(4)
            .find(|d| d.join("idVendor").is_file())
        else {
            continue;
        };
        let usb_vid = read_hex(&usb_dev.join("idVendor"));
        let usb_pid = read_hex(&usb_dev.join("idProduct"));
        let product = read_text(&usb_dev.join("product"));
        let matched_profile = usb_vid.and_then(|vid| {
            match_profile(profiles, vid, interface_class, product.as_deref())
                .map(|p| p.name.clone())
        });
        let node = dev.join(&name);
        let path = std::fs::canonicalize(&node)
            .ok()
            .and_then(|real| stable.get(&real).cloned())
            .unwrap_or(node);
        ports.push(PortInfo {
            path,
            usb_vid,
            usb_pid,
            interface_class,
            manufacturer: read_text(&usb_dev.join("manufacturer")),
            product,
            serial: read_text(&usb_dev.join("serial")),
            matched_profile,
        });
    }
    ports.sort_by(|a, b| a.path.cmp(&b.path));
    ports
}

/// The names udev gives scanners (`/dev/custody-scanner-<serial or USB path>`, from
/// packaging/debian/60-custody-scanners.rules), keyed by the tty each points at. A scanner is opened by
/// that name, so unplugging and replugging it (ttyACM0 becoming ttyACM1) keeps the same port.
fn stable_names(dev: &Path) -> std::collections::HashMap<PathBuf, PathBuf> {
    let Ok(entries) = std::fs::read_dir(dev) else {
        return Default::default();
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(STABLE_NAME_PREFIX)
        })
        .filter_map(|e| Some((std::fs::canonicalize(e.path()).ok()?, e.path())))
        .collect()
}

/// The prefix of the stable names the packaged udev rule creates under /dev.
pub const STABLE_NAME_PREFIX: &str = "custody-scanner-";

fn read_text(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn read_hex(path: &Path) -> Option<u16> {
    u16::from_str_radix(&read_text(path)?, 16).ok()
}

/// Opens a port with the profile's line settings; reads time out after `read_timeout`.
pub fn open_port(
    path: &Path,
    line: &LineSettings,
    read_timeout: Duration,
) -> Result<Box<dyn serialport::SerialPort>, serialport::Error> {
    let data_bits = match line.data_bits {
        5 => serialport::DataBits::Five,
        6 => serialport::DataBits::Six,
        7 => serialport::DataBits::Seven,
        _ => serialport::DataBits::Eight,
    };
    let parity = match line.parity {
        Parity::None => serialport::Parity::None,
        Parity::Even => serialport::Parity::Even,
        Parity::Odd => serialport::Parity::Odd,
    };
    let stop_bits = if line.stop_bits == 2 {
        serialport::StopBits::Two
    } else {
        serialport::StopBits::One
    };
    let flow = match line.flow_control {
        FlowControl::None => serialport::FlowControl::None,
        FlowControl::Hardware => serialport::FlowControl::Hardware,
        FlowControl::Software => serialport::FlowControl::Software,
    };
    serialport::new(path.to_string_lossy(), line.baud)
        .data_bits(data_bits)
        .parity(parity)
        .stop_bits(stop_bits)
        .flow_control(flow)
        .timeout(read_timeout)
        .open()
}
