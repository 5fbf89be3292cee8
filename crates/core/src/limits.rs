//! Storage limits of a location: the licensed maximum net explosive quantity (NEQ) and the UN
//! compatibility groups it may hold, set by an administrator (`location.limits`), and the rule
//! every event that adds ammunition to a location passes ([`check_addition`]): the group must
//! be allowed there, must mix with every group already there ([`MIXING`]), and the NEQ after
//! the addition must not exceed the licence. docs/ammunition.md explains the table.
//!
//! NEQ is counted exactly, in whole milligrams (the lots' NEQ has at most 6 decimals of a
//! kilogram), never in floating point.

use crate::domain::Role;
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger};
use crate::workflows::location_id_of;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The UN compatibility groups (IATG 01.50; I is not used).
pub const GROUPS: [char; 13] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'N', 'S',
];

/// Which groups each group may share a store with (simplified from the IATG mixing rules;
/// docs/ammunition.md says where it is stricter than the standard). Symmetric: a unit test
/// checks that `a` lists `b` exactly when `b` lists `a`.
pub const MIXING: [(char, &str); 13] = [
    // Primary explosives: only with their own group.
    ('A', "A"),
    // Articles with primary explosive and fewer than two protective features.
    ('B', "BS"),
    // Propellants, secondary explosives without and with propelling charge: mixed freely.
    ('C', "CDEGNS"),
    ('D', "CDEGNS"),
    ('E', "CDEGNS"),
    // Secondary explosive with its own means of initiation.
    ('F', "FS"),
    // Pyrotechnics: with C, D, E.
    ('G', "CDEGS"),
    // White phosphorus; flammable liquid or gel: each apart.
    ('H', "HS"),
    ('J', "JS"),
    // Toxic chemical agents; special risk (each type isolated): only their own group.
    ('K', "K"),
    ('L', "L"),
    // Extremely insensitive articles: with C, D, E.
    ('N', "CDENS"),
    // Effects confined to the package: with everything but A, K and L.
    ('S', "BCDEFGHJNS"),
];

/// Milligrams in a kilogram: the NEQ texts have at most 6 decimals.
const MG_PER_KG: u128 = 1_000_000;

/// The largest licence, in kilograms (ten thousand tonnes: more than any single store).
pub const MAX_LICENCE_KG: u64 = 10_000_000;

/// Whether group `a` may be stored with group `b`.
pub fn compatible(a: char, b: char) -> bool {
    MIXING
        .iter()
        .find(|(g, _)| *g == a)
        .is_some_and(|(_, with)| with.contains(b))
}

/// The compatibility group of a checked hazard code (`1.4S` → `S`).
pub fn group_of(hazard: &str) -> Option<char> {
    hazard.chars().last().filter(|c| GROUPS.contains(c))
}

/// Kilograms as decimal text (at most 6 decimals, whole part up to `max_whole`) in exact
/// milligrams; `None` for anything else.
pub(crate) fn kg_to_mg(text: &str, max_whole: u64) -> Option<u128> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || frac.len() > 6 || !digits(whole) || !digits(frac) {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    if whole > max_whole {
        return None;
    }
    let frac: u128 = format!("{frac:0<6}").parse().ok()?;
    Some(whole as u128 * MG_PER_KG + frac)
}

/// Milligrams as canonical kilogram text (`1920000` → `1.92`).
pub fn mg_to_kg(mg: u128) -> String {
    let (whole, frac) = (mg / MG_PER_KG, mg % MG_PER_KG);
    if frac == 0 {
        whole.to_string()
    } else {
        let frac = format!("{frac:06}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }
}

/// A licence in kilograms, canonical (as the lots' NEQ is), up to [`MAX_LICENCE_KG`].
fn check_licence(text: &str) -> Result<String> {
    kg_to_mg(text, MAX_LICENCE_KG).map(mg_to_kg).ok_or_else(|| {
        crate::refusal::Refusal::BadLicence {
            value: text.trim().to_string(),
            max: MAX_LICENCE_KG,
        }
        .into()
    })
}

/// Group letters, upper-case, sorted, each once; an unknown letter is refused. Blank entries
/// are skipped, so an empty list typed as `--groups ""` means any group.
fn check_groups(groups: &[&str]) -> Result<Vec<String>> {
    let mut out: Vec<char> = Vec::new();
    for g in groups.iter().filter(|g| !g.trim().is_empty()) {
        let g = g.trim().to_ascii_uppercase();
        let mut chars = g.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if GROUPS.contains(&c) => out.push(c),
            _ => return Err(CustodyError::BadCompatibilityGroup(g)),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out.into_iter().map(String::from).collect())
}

/// A location's limits as the projections hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The licensed maximum NEQ in kilograms; `None`: no licence limit recorded.
    pub max_neq_kg: Option<String>,
    /// The groups it may hold; empty: any.
    pub groups: Vec<String>,
}

/// What a location holds: NEQ and the compatibility groups present.
struct Held {
    neq_mg: u128,
    groups: Vec<char>,
}

fn held_at(conn: &Connection, location_id: &str) -> Result<Held> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.quantity, l.neq_kg, l.hazard FROM ammo_stock s
         JOIN ammo_lots l ON l.id = s.lot_id WHERE s.location_id = ?1",
    )?;
    let rows = stmt.query_map([location_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut held = Held {
        neq_mg: 0,
        groups: Vec::new(),
    };
    for row in rows {
        let (quantity, neq, hazard) = row?;
        // The lot's NEQ was checked on receipt; a row that no longer parses counts as zero
        // rather than panicking (verify names tampered projections).
        held.neq_mg += quantity.max(0) as u128 * kg_to_mg(&neq, u64::MAX).unwrap_or(0);
        if let Some(g) = group_of(&hazard) {
            if !held.groups.contains(&g) {
                held.groups.push(g);
            }
        }
    }
    held.groups.sort_unstable();
    Ok(held)
}

fn limits_of(conn: &Connection, location_id: &str) -> Result<Limits> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT max_neq_kg, groups FROM location_limits WHERE location_id = ?1")?
        .query_row([location_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (max, groups) = row.unwrap_or_default();
    Ok(Limits {
        max_neq_kg: Some(max).filter(|m| !m.is_empty()),
        groups: groups.chars().map(String::from).collect(),
    })
}

fn location_name(conn: &Connection, location_id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM locations WHERE id = ?1")?
        .query_row([location_id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| location_id.to_string()))
}

/// What an event would add to a location: `quantity` units of a lot with this hazard code and
/// NEQ per unit.
pub(crate) struct Addition<'a> {
    pub hazard: &'a str,
    pub neq_kg: &'a str,
    pub quantity: u64,
}

/// Refuses an addition the location's limits do not allow: a group it may not hold, a group
/// that cannot be mixed with one already there, or NEQ over the licence.
pub(crate) fn check_addition(conn: &Connection, location_id: &str, add: &Addition) -> Result<()> {
    let limits = limits_of(conn, location_id)?;
    let held = held_at(conn, location_id)?;
    let group =
        group_of(add.hazard).ok_or_else(|| CustodyError::BadHazardCode(add.hazard.into()))?;
    if !limits.groups.is_empty() && !limits.groups.iter().any(|g| g.starts_with(group)) {
        return Err(CustodyError::GroupNotAllowed {
            location: location_name(conn, location_id)?,
            group,
            allowed: limits.groups.join(", "),
        });
    }
    if let Some(&present) = held.groups.iter().find(|&&g| !compatible(group, g)) {
        return Err(CustodyError::IncompatibleGroups {
            location: location_name(conn, location_id)?,
            group,
            present,
        });
    }
    if let Some(max) = &limits.max_neq_kg {
        let limit = kg_to_mg(max, u64::MAX).unwrap_or(0);
        let adding = add.quantity as u128 * kg_to_mg(add.neq_kg, u64::MAX).unwrap_or(0);
        let after = held.neq_mg + adding;
        if after > limit {
            return Err(CustodyError::OverLicence {
                location: location_name(conn, location_id)?,
                limit_kg: mg_to_kg(limit),
                held_kg: mg_to_kg(held.neq_mg),
                adding_kg: mg_to_kg(adding),
                excess_kg: mg_to_kg(after - limit),
            });
        }
    }
    Ok(())
}

/// A location's stores figure: NEQ held against its licence and the groups present.
#[derive(Debug, Clone, Serialize)]
pub struct StoreView {
    pub location: String,
    pub code: String,
    /// NEQ held, in kilograms (exact decimal text).
    pub neq_kg: String,
    #[serde(flatten)]
    pub limits: Limits,
    /// The licence minus what is held, when there is a licence and it is not exceeded.
    pub headroom_kg: Option<String>,
    /// How far the store is over its licence (after a licence was reduced), if it is.
    pub over_licence_kg: Option<String>,
    /// The compatibility groups of the lots held there.
    pub groups_present: Vec<String>,
}

/// What setting limits reports beside its event: the location already holds more than the new
/// licence, or a group the new limits do not allow. The limits are recorded all the same (a
/// licence can be reduced); further additions are refused until it is back within them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitWarning {
    OverLicence { held_kg: String, limit_kg: String },
    GroupNotAllowed { group: char },
}

impl std::fmt::Display for LimitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitWarning::OverLicence { held_kg, limit_kg } => write!(
                f,
                "it already holds {held_kg} kg NEQ, more than the new licence of {limit_kg} kg; nothing more can be added until it is below"
            ),
            LimitWarning::GroupNotAllowed { group } => write!(
                f,
                "it already holds compatibility group {group}, which the new limits do not allow; no more of it can be added"
            ),
        }
    }
}

impl Ledger {
    /// Sets a location's licensed maximum NEQ (`None`: no limit) and the compatibility groups
    /// it may hold (empty: any); administrators only. Limits below what is already stored are
    /// recorded, with warnings.
    pub fn set_location_limits(
        &mut self,
        admin: &Actor,
        location: &str,
        max_neq_kg: Option<&str>,
        groups: &[&str],
    ) -> Result<(i64, Vec<LimitWarning>)> {
        admin.require("set storage limits", &[Role::Administrator])?;
        let max_neq_kg = max_neq_kg.map(check_licence).transpose()?;
        let groups = check_groups(groups)?;
        self.write(|w| {
            let location_id = location_id_of(w.conn, location)?;
            let held = held_at(w.conn, &location_id)?;
            let mut warnings = Vec::new();
            if let Some(max) = &max_neq_kg {
                if held.neq_mg > kg_to_mg(max, u64::MAX).unwrap_or(0) {
                    warnings.push(LimitWarning::OverLicence {
                        held_kg: mg_to_kg(held.neq_mg),
                        limit_kg: max.clone(),
                    });
                }
            }
            if !groups.is_empty() {
                for &g in &held.groups {
                    if !groups.iter().any(|a| a.starts_with(g)) {
                        warnings.push(LimitWarning::GroupNotAllowed { group: g });
                    }
                }
            }
            let seq = w.append(
                Some(admin.person_id()),
                None,
                &EventBody::LocationLimits {
                    location_id,
                    max_neq_kg: max_neq_kg.clone().unwrap_or_default(),
                    groups: groups.clone(),
                },
            )?;
            Ok((seq, warnings))
        })
    }

    /// A location's limits (none recorded: no licence limit, any group).
    pub fn location_limits(&self, location: &str) -> Result<Limits> {
        let id = location_id_of(&self.conn, location)?;
        limits_of(&self.conn, &id)
    }

    /// Every location with the NEQ it holds against its licence and the groups present,
    /// by name.
    pub fn ammo_stores(&self) -> Result<Vec<StoreView>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, code FROM locations ORDER BY name")?;
        let places: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(places.len());
        for (id, location, code) in places {
            let held = held_at(&self.conn, &id)?;
            let limits = limits_of(&self.conn, &id)?;
            let limit = limits
                .max_neq_kg
                .as_deref()
                .and_then(|m| kg_to_mg(m, u64::MAX));
            out.push(StoreView {
                location,
                code,
                neq_kg: mg_to_kg(held.neq_mg),
                headroom_kg: limit
                    .filter(|l| *l >= held.neq_mg)
                    .map(|l| mg_to_kg(l - held.neq_mg)),
                over_licence_kg: limit
                    .filter(|l| *l < held.neq_mg)
                    .map(|l| mg_to_kg(held.neq_mg - l)),
                limits,
                groups_present: held.groups.into_iter().map(String::from).collect(),
            });
        }
        Ok(out)
    }
}

/// Projection of a `location.limits` event: the row holds the current limits; none at all
/// removes it, so a cleared location reads as one that never had limits.
pub(crate) fn apply(conn: &Connection, seq: i64, body: &EventBody) -> Result<()> {
    if let EventBody::LocationLimits {
        location_id,
        max_neq_kg,
        groups,
    } = body
    {
        if max_neq_kg.is_empty() && groups.is_empty() {
            conn.prepare_cached("DELETE FROM location_limits WHERE location_id = ?1")?
                .execute([location_id])?;
        } else {
            conn.prepare_cached(
                "INSERT INTO location_limits (location_id, max_neq_kg, groups, last_seq)
                 VALUES (?1,?2,?3,?4) ON CONFLICT(location_id) DO UPDATE
                 SET max_neq_kg = excluded.max_neq_kg, groups = excluded.groups,
                 last_seq = excluded.last_seq",
            )?
            .execute(params![location_id, max_neq_kg, groups.concat(), seq])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixing_table_covers_every_group_once_and_is_symmetric() {
        let listed: Vec<char> = MIXING.iter().map(|(g, _)| *g).collect();
        assert_eq!(listed, GROUPS);
        for a in GROUPS {
            assert!(compatible(a, a) || a == 'L' || a == 'K' || a == 'A', "{a}");
            for b in GROUPS {
                assert_eq!(compatible(a, b), compatible(b, a), "{a} with {b}");
            }
        }
        // The brief's examples, as the table must answer them.
        assert!(compatible('S', 'D') && compatible('C', 'E') && compatible('G', 'D'));
        assert!(compatible('N', 'C') && !compatible('A', 'S') && !compatible('L', 'S'));
        assert!(!compatible('A', 'D') && !compatible('B', 'D') && !compatible('G', 'N'));
    }

    #[test]
    fn kilograms_are_exact_milligrams() {
        assert_eq!(kg_to_mg("0.0016", 10), Some(1600));
        assert_eq!(kg_to_mg("2", 10), Some(2_000_000));
        assert_eq!(kg_to_mg("12.5", 10), None);
        assert_eq!(kg_to_mg("1.0000001", 10), None);
        for bad in ["", ".5", "1e3", "-1", "1.2.3", "abc", "9999999999"] {
            assert_eq!(kg_to_mg(bad, u64::MAX), None, "{bad}");
        }
        assert_eq!(mg_to_kg(1_920_000), "1.92");
        assert_eq!(mg_to_kg(5), "0.000005");
        assert_eq!(mg_to_kg(0), "0");
        assert_eq!(check_licence("2500.50").unwrap(), "2500.5");
        assert!(check_licence("10000001").is_err());
    }

    #[test]
    fn groups_are_single_known_letters() {
        assert_eq!(
            check_groups(&["s", " D", "C", "S"]).unwrap(),
            ["C", "D", "S"]
        );
        assert!(check_groups(&["", " "]).unwrap().is_empty());
        for bad in ["I", "M", "CD", "1.4S"] {
            assert!(
                matches!(
                    check_groups(&[bad]),
                    Err(CustodyError::BadCompatibilityGroup(_))
                ),
                "{bad}"
            );
        }
    }
}
