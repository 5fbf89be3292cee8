//! Sample weapons for demonstration sites (`custody demo`, `custody-kiosk --demo`): one table
//! of makers and one campaign list, so the command line and the kiosk show the same kind of
//! depot.

/// Maker, model, type, calibre, country (ISO 3166 alpha-2).
pub const MAKERS: [(&str, &str, &str, &str, &str); 6] = [
    ("Zastava Arms", "M70", "rifle", "7.62x39", "RS"),
    ("Zastava Arms", "M57", "pistol", "7.62x25", "RS"),
    ("Crvena Zastava", "M84", "machine_gun", "7.62x54R", "RS"),
    ("Izhmash", "AKM", "rifle", "7.62x39", "RU"),
    ("Tokarev", "TT-33", "pistol", "7.62x25", "RU"),
    ("Beretta", "92FS", "pistol", "9x19", "IT"),
];

/// A collection campaign's CSV (the import format) of `n` good rows: serials
/// `<model initial><first + i * step>`, makers in turn, shelves from `shelves` in turn.
pub fn campaign_csv(n: usize, first: usize, step: usize, shelves: &[&str]) -> String {
    let mut csv = String::from("serial,manufacturer,model,type,calibre,country,year,location\n");
    for i in 0..n {
        let (maker, model, kind, calibre, country) = MAKERS[i % MAKERS.len()];
        let shelf = if shelves.is_empty() {
            ""
        } else {
            shelves[i % shelves.len()]
        };
        csv.push_str(&format!(
            "{}{:06},{maker},{model},{kind},{calibre},{country},{},{shelf}\n",
            &model[..1],
            first + i * step,
            1960 + (i % 60)
        ));
    }
    csv
}
