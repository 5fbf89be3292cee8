//! Settings of this kiosk PC, not of the site: its language, where documents are saved and
//! which printers it uses. They are kept beside the ledger as `<ledger>.kiosk` in plain
//! `key = value` lines, because they describe the machine and are not evidence: they never
//! enter the ledger. A damaged or missing file gives the defaults; unknown lines are ignored.

use std::path::{Path, PathBuf};

/// How this kiosk prints item and location labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelPrinter {
    /// No label printer: labels are printed later from the CLI or another kiosk.
    #[default]
    None,
    /// A4 label sheets (PDF) through the document printer.
    Sheet,
    /// A Zebra-type thermal printer that takes ZPL on its device.
    Zpl,
}

impl LabelPrinter {
    pub fn key(self) -> &'static str {
        match self {
            LabelPrinter::None => "none",
            LabelPrinter::Sheet => "sheet",
            LabelPrinter::Zpl => "zpl",
        }
    }

    pub fn from_key(key: &str) -> Option<LabelPrinter> {
        match key {
            "none" => Some(LabelPrinter::None),
            "sheet" => Some(LabelPrinter::Sheet),
            "zpl" => Some(LabelPrinter::Zpl),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSettings {
    /// The kiosk's language (a bundled translation key, "en" for English).
    pub language: String,
    /// Where issued documents are saved (the kiosk keeps a copy of everything it prints).
    pub documents_folder: PathBuf,
    /// System printer for documents; empty means the PC's default printer.
    pub document_printer: String,
    pub label_printer: LabelPrinter,
    /// The thermal printer's device, e.g. /dev/usb/lp0.
    pub label_device: PathBuf,
    /// The thermal printer's resolution: 203, 300 or 600 dots per inch.
    pub label_dpi: u32,
    /// The print spooler's command, CUPS's `lp` unless the file names another (not on screen:
    /// a site with another spooler sets it once).
    pub print_command: String,
    /// A tone from the PC after each committed scan (where the PC can play sound).
    pub sound: bool,
}

impl LocalSettings {
    /// Defaults for a kiosk whose ledger is at `ledger`: documents in a folder beside it.
    pub fn defaults(ledger: &Path) -> LocalSettings {
        LocalSettings {
            language: "en".into(),
            documents_folder: ledger.parent().unwrap_or(Path::new(".")).join("documents"),
            document_printer: String::new(),
            label_printer: LabelPrinter::None,
            label_device: PathBuf::from("/dev/usb/lp0"),
            label_dpi: 203,
            print_command: "lp".into(),
            sound: true,
        }
    }

    /// Where the settings of the kiosk on `ledger` are kept.
    pub fn path_for(ledger: &Path) -> PathBuf {
        let mut name = ledger.as_os_str().to_owned();
        name.push(".kiosk");
        PathBuf::from(name)
    }

    /// Reads the settings for `ledger`; anything missing or unreadable keeps its default.
    /// A file that others than its owner could have written is not trusted with what the
    /// kiosk runs or writes to (the print command, the label device): those keep their
    /// defaults until an administrator saves the settings again (0600).
    pub fn load(ledger: &Path) -> LocalSettings {
        let path = Self::path_for(ledger);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let defaults = Self::defaults(ledger);
        let mut s = Self::parse(&text, defaults.clone());
        if custody_core::files::mode_of(&path) & 0o022 != 0 {
            s.print_command = defaults.print_command;
            s.label_device = defaults.label_device;
        }
        s
    }

    fn parse(text: &str, mut s: LocalSettings) -> LocalSettings {
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "language" if !value.is_empty() => s.language = value.into(),
                "documents_folder" if !value.is_empty() => s.documents_folder = value.into(),
                "document_printer" => s.document_printer = value.into(),
                "label_printer" => {
                    s.label_printer = LabelPrinter::from_key(value).unwrap_or(s.label_printer)
                }
                "label_device" if !value.is_empty() => s.label_device = value.into(),
                "label_dpi" => s.label_dpi = value.parse().unwrap_or(s.label_dpi),
                "print_command" if !value.is_empty() => s.print_command = value.into(),
                "sound" => s.sound = value != "off",
                _ => {}
            }
        }
        s
    }

    fn render(&self) -> String {
        format!(
            "# Custody kiosk settings for this PC (not evidence; safe to delete)\n\
             language = {}\ndocuments_folder = {}\ndocument_printer = {}\n\
             label_printer = {}\nlabel_device = {}\nlabel_dpi = {}\nprint_command = {}\nsound = {}\n",
            self.language,
            self.documents_folder.display(),
            self.document_printer,
            self.label_printer.key(),
            self.label_device.display(),
            self.label_dpi,
            self.print_command,
            if self.sound { "on" } else { "off" }
        )
    }

    /// Writes the settings beside `ledger`, replacing the file whole.
    pub fn save(&self, ledger: &Path) -> Result<(), custody_core::files::FileError> {
        custody_core::files::write_atomically(&Self::path_for(ledger), self.render().as_bytes())
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_restart_and_a_damaged_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("depot.db");
        let defaults = LocalSettings::load(&ledger);
        assert_eq!(defaults, LocalSettings::defaults(&ledger));
        assert_eq!(defaults.documents_folder, dir.path().join("documents"));
        let chosen = LocalSettings {
            language: "sr".into(),
            documents_folder: "/media/officer/STICK 1".into(),
            document_printer: "Office_A4".into(),
            label_printer: LabelPrinter::Zpl,
            label_device: "/dev/usb/lp1".into(),
            label_dpi: 300,
            print_command: "/usr/local/bin/spool".into(),
            sound: false,
        };
        chosen.save(&ledger).unwrap();
        assert_eq!(LocalSettings::load(&ledger), chosen);
        std::fs::write(
            LocalSettings::path_for(&ledger),
            "label_dpi = lots\nlabel_printer = laser\n\u{0}\u{ff}garbage\nlanguage =\n",
        )
        .unwrap();
        assert_eq!(LocalSettings::load(&ledger), defaults);
    }

    #[test]
    fn a_settings_file_others_could_write_runs_no_command_of_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("depot.db");
        let planted = LocalSettings {
            print_command: "/tmp/evil".into(),
            label_device: "/var/lib/custody/depot.db.key".into(),
            ..LocalSettings::defaults(&ledger)
        };
        planted.save(&ledger).unwrap();
        let path = LocalSettings::path_for(&ledger);
        assert_eq!(custody_core::files::mode_of(&path), 0o600);
        assert_eq!(LocalSettings::load(&ledger).print_command, "/tmp/evil");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let loaded = LocalSettings::load(&ledger);
        assert_eq!(
            loaded.print_command,
            LocalSettings::defaults(&ledger).print_command
        );
        assert_eq!(
            loaded.label_device,
            LocalSettings::defaults(&ledger).label_device
        );
    }
}
