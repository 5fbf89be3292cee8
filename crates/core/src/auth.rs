//! Badge + PIN authentication. PINs are stretched with Argon2id and kept in `credentials`,
//! outside the event log; every failed attempt is an event, and repeated failures lock a badge.

use crate::domain::Role;
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger, Writer};
use crate::refusal::PinRule;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

/// Consecutive failures that lock a badge.
pub const MAX_FAILURES: u32 = 5;
/// How long a locked badge stays locked after the failure that locked it. Attempts while
/// locked do not extend it.
pub const LOCKOUT_MINUTES: i64 = 15;
/// The reason an attempt on a locked badge is recorded with.
pub const WHILE_LOCKED: &str = "attempt while locked";
/// Failed sign-ins with unknown badges recorded per minute; past this the site refuses
/// sign-ins with unknown badges for the rest of the minute without writing anything, so a
/// script cannot fill the disk with failure events.
pub const UNKNOWN_BADGE_EVENTS_PER_MINUTE: i64 = 30;
/// Shortest PIN. A 4-digit PIN falls to an offline search in minutes (docs/SECURITY.md).
pub const MIN_PIN_DIGITS: usize = 6;

/// PINs are typed on a touch keypad: 6 to 12 digits, not a run (123456, 654321), not one
/// digit repeated (000000), and not the person's badge number.
pub fn check_pin_policy(pin: &str) -> Result<()> {
    check_new_pin(pin, "")
}

/// [`check_pin_policy`] for the person with `badge`.
pub fn check_new_pin(pin: &str, badge: &str) -> Result<()> {
    let refuse = |why: PinRule| Err(CustodyError::WeakPin(why));
    if !(MIN_PIN_DIGITS..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return refuse(PinRule::Format);
    }
    let d: Vec<i8> = pin.bytes().map(|b| (b - b'0') as i8).collect();
    if d.iter().all(|&x| x == d[0]) {
        return refuse(PinRule::RepeatedDigit);
    }
    for step in [1i8, -1] {
        if d.windows(2)
            .all(|w| (w[1] - w[0]).rem_euclid(10) == step.rem_euclid(10))
        {
            return refuse(PinRule::Sequence);
        }
    }
    let badge_digits: String = badge.chars().filter(char::is_ascii_digit).collect();
    if badge_digits.len() >= 4 && (pin.contains(&badge_digits) || badge_digits.contains(pin)) {
        return refuse(PinRule::ContainsBadge);
    }
    Ok(())
}

fn argon2(pepper: Option<&[u8; 32]>) -> Result<Argon2<'_>> {
    // OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane — about 30 ms here.
    let params = argon2::Params::new(19 * 1024, 2, 1, None).expect("constant parameters are valid");
    match pepper {
        Some(p) => Argon2::new_with_secret(
            p,
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        )
        .map_err(|e| CustodyError::Internal(format!("PIN hashing set-up failed: {e}"))),
        None => Ok(Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        )),
    }
}

/// Hashes a PIN with Argon2id and the site's pepper (a secret derived from the site key,
/// which never sits in the ledger file), so a stolen ledger alone cracks nothing.
pub fn hash_pin_peppered(pin: &str, pepper: Option<&[u8; 32]>) -> Result<String> {
    let mut salt = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| CustodyError::Internal(format!("salt encoding: {e}")))?;
    argon2(pepper)?
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CustodyError::Internal(format!("PIN hashing failed: {e}")))
}

/// Hashes a PIN without a pepper (only for tests of legacy credentials).
pub fn hash_pin(pin: &str) -> Result<String> {
    hash_pin_peppered(pin, None)
}

fn pin_matches(pin: &str, phc: &str, pepper: Option<&[u8; 32]>) -> bool {
    let Ok(argon) = argon2(pepper) else {
        return false;
    };
    PasswordHash::new(phc)
        .map(|h| argon.verify_password(pin.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// SHA-256 (hex) of a stored credential, as `person.pin_set` commits to it.
pub fn credential_digest(pin_hash: &str) -> String {
    hex::encode(Sha256::digest(pin_hash.as_bytes()))
}

/// A hash to check PINs of unknown badges against, so that an unknown badge takes as long
/// to refuse as a wrong PIN and badges cannot be found by timing.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_pin("271828").unwrap_or_default())
}

struct Candidate {
    id: String,
    name: String,
    badge: String,
    roles: String,
    active: bool,
    failed: u32,
    last_failure: Option<String>,
    pin_hash: Option<String>,
    peppered: bool,
}

pub(crate) fn parse_roles(text: &str) -> Vec<Role> {
    text.split(',').filter_map(|r| r.parse().ok()).collect()
}

fn minutes_left(last_failure: Option<&str>, now: DateTime<Utc>) -> i64 {
    let Some(last) = last_failure.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) else {
        return 0;
    };
    let unlock = last.with_timezone(&Utc) + chrono::Duration::minutes(LOCKOUT_MINUTES);
    (unlock - now).num_minutes().max(0) + i64::from(unlock > now)
}

/// What typed badge text is kept in the log for an unknown badge: text that looks like a PIN
/// (someone typed their PIN into the badge field) is never kept as typed.
fn badge_as_logged(badge: &str) -> String {
    let looks_like_pin =
        (4..=12).contains(&badge.len()) && badge.bytes().all(|b| b.is_ascii_digit());
    if looks_like_pin {
        format!("({} digits, withheld: it may be a PIN)", badge.len())
    } else {
        badge.to_string()
    }
}

/// What the first transaction of a sign-in decided.
enum Gate {
    Refused(CustodyError),
    /// The attempt is recorded; check the PIN. `failures` counts it.
    Check(Candidate, u32),
}

impl Ledger {
    /// Checks a badge (or a person's P-label code) and PIN. The attempt is counted against the
    /// lock-out and committed in one `BEGIN IMMEDIATE` transaction *before* Argon2 runs, so
    /// parallel attempts see each other; a refusal is recorded before it is returned; a locked
    /// badge is refused without checking the PIN.
    pub fn authenticate(&mut self, badge: &str, pin: &str) -> Result<Actor> {
        let badge = badge.trim();
        let badge_ok = !badge.is_empty()
            && badge.chars().count() <= crate::fields::MAX_BADGE
            && !badge.chars().any(char::is_control);
        let now = self.now();
        let pepper = self.pin_pepper();
        let gate = self.write(|w| {
            let candidate = if badge_ok {
                find_candidate(w.conn, badge)?
            } else {
                None
            };
            let Some(c) = candidate else {
                let recent: i64 = w.conn.query_row(
                    "SELECT count(*) FROM (SELECT kind, time, subject FROM events
                     ORDER BY seq DESC LIMIT ?1) WHERE kind = 'auth.failed' AND subject IS NULL
                     AND time > ?2",
                    params![
                        UNKNOWN_BADGE_EVENTS_PER_MINUTE * 4,
                        crate::ledger::format_time(now - chrono::Duration::minutes(1))
                    ],
                    |r| r.get(0),
                )?;
                if recent >= UNKNOWN_BADGE_EVENTS_PER_MINUTE {
                    return Ok(Gate::Refused(CustodyError::SignInThrottled));
                }
                let logged: String = if badge_ok {
                    badge_as_logged(badge)
                } else {
                    let shown: String = badge
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(crate::fields::MAX_BADGE / 2)
                        .collect();
                    format!("{shown}… ({} characters)", badge.chars().count())
                };
                append_failure(w, "", &logged, "unknown badge")?;
                let shown = if badge_ok { badge } else { "?" };
                return Ok(Gate::Refused(CustodyError::UnknownBadge(shown.to_string())));
            };
            if !c.active {
                append_failure(w, &c.id, &c.badge, "inactive person")?;
                return Ok(Gate::Refused(CustodyError::Inactive(c.badge)));
            }
            let locked_for = minutes_left(c.last_failure.as_deref(), now);
            if c.failed >= MAX_FAILURES && locked_for > 0 {
                append_failure(w, &c.id, &c.badge, WHILE_LOCKED)?;
                return Ok(Gate::Refused(CustodyError::LockedOut {
                    badge: c.badge,
                    failures: c.failed + 1,
                    minutes: locked_for,
                }));
            }
            w.append(
                None,
                None,
                &EventBody::AuthAttempt {
                    person_id: c.id.clone(),
                    badge: c.badge.clone(),
                },
            )?;
            let failures = if c.failed >= MAX_FAILURES {
                1
            } else {
                c.failed + 1
            };
            Ok(Gate::Check(c, failures))
        })?;
        let (c, failures) = match gate {
            Gate::Check(c, failures) => (c, failures),
            Gate::Refused(e) => {
                if matches!(e, CustodyError::UnknownBadge(_)) {
                    // Same work as a wrong PIN, so the answer's timing tells nothing.
                    let _ = pin_matches(pin, decoy_hash(), None);
                }
                return Err(e);
            }
        };
        let ok = match c.pin_hash.as_deref() {
            Some(h) if c.peppered => pepper.is_some_and(|p| pin_matches(pin, h, Some(&p))),
            Some(h) => pin_matches(pin, h, None),
            None => false,
        };
        if !ok {
            if failures >= MAX_FAILURES {
                return Err(CustodyError::LockedOut {
                    badge: c.badge,
                    failures,
                    minutes: LOCKOUT_MINUTES,
                });
            }
            return Err(CustodyError::WrongPin {
                badge: c.badge,
                remaining: MAX_FAILURES - failures,
            });
        }
        // A PIN hashed before the pepper existed is re-hashed with it now that it is known.
        let rehash = match (&pepper, c.peppered) {
            (Some(p), false) => Some(hash_pin_peppered(pin, Some(p))?),
            _ => None,
        };
        let id = c.id.clone();
        self.write(|w| {
            if let Some(hash) = &rehash {
                store_credential(w, Some(&id), &id, hash, true)?;
            }
            w.append(
                Some(&id),
                None,
                &EventBody::AuthReset {
                    person_id: id.clone(),
                    by: "successful login".into(),
                },
            )
        })?;
        Ok(Actor {
            person_id: c.id,
            name: c.name,
            badge: c.badge,
            roles: parse_roles(&c.roles),
        })
    }

    /// The pepper mixed into every PIN hash: derived from the site key, so it is never in the
    /// ledger file. `None` on a PC without the key file (sign-in with peppered PINs fails).
    pub(crate) fn pin_pepper(&self) -> Option<[u8; 32]> {
        self.site_key().map(|k| k.pin_pepper())
    }

    /// An administrator lifts a lock-out.
    pub fn unlock_person(&mut self, admin: &Actor, badge: &str) -> Result<i64> {
        self.append_admin_event(admin, "unlock a badge", badge, |_, person| {
            Ok(EventBody::AuthReset {
                person_id: person.id.clone(),
                by: "administrator".into(),
            })
        })
    }

    /// Sets a new PIN. A person may change their own; an administrator may reset anyone's.
    pub fn set_pin(&mut self, actor: &Actor, badge: &str, new_pin: &str) -> Result<i64> {
        let person = self.person_by_badge(badge)?;
        check_new_pin(new_pin, &person.badge)?;
        if person.id != actor.person_id() {
            actor.require("reset another person's PIN", &[Role::Administrator])?;
        }
        let pepper = self.pin_pepper();
        let hash = hash_pin_peppered(new_pin, pepper.as_ref())?;
        let actor_id = actor.person_id().to_string();
        self.write(|w| store_credential(w, Some(&actor_id), &person.id, &hash, pepper.is_some()))
    }
}

fn find_candidate(conn: &rusqlite::Connection, badge: &str) -> Result<Option<Candidate>> {
    Ok(conn
        .query_row(
            "SELECT p.id, p.name, p.badge, p.roles, p.active, p.failed_logins, p.last_failure,
                    c.pin_hash, c.peppered
             FROM persons p LEFT JOIN credentials c ON c.person_id = p.id
             WHERE p.badge = ?1 OR p.label_code = upper(replace(?1, '-', ''))",
            params![badge],
            |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    badge: r.get(2)?,
                    roles: r.get(3)?,
                    active: r.get(4)?,
                    failed: r.get(5)?,
                    last_failure: r.get(6)?,
                    pin_hash: r.get(7)?,
                    peppered: r.get::<_, Option<bool>>(8)?.unwrap_or(false),
                })
            },
        )
        .optional()?)
}

fn append_failure(w: &mut Writer<'_>, person_id: &str, badge: &str, reason: &str) -> Result<i64> {
    w.append(
        None,
        None,
        &EventBody::AuthFailed {
            person_id: person_id.to_string(),
            badge: badge.to_string(),
            reason: reason.to_string(),
        },
    )
}

/// Stores a person's PIN hash and commits to it in the chain (`person.pin_set` carries the
/// credential's digest, checked by verify).
pub(crate) fn store_credential(
    w: &mut Writer<'_>,
    actor_id: Option<&str>,
    person_id: &str,
    pin_hash: &str,
    peppered: bool,
) -> Result<i64> {
    w.conn.execute(
        "INSERT INTO credentials (person_id, pin_hash, peppered) VALUES (?1, ?2, ?3)
         ON CONFLICT(person_id) DO UPDATE SET pin_hash = excluded.pin_hash,
         peppered = excluded.peppered",
        params![person_id, pin_hash, peppered],
    )?;
    w.append(
        actor_id,
        None,
        &EventBody::PersonPinSet {
            person_id: person_id.to_string(),
            credential_digest: Some(credential_digest(pin_hash)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_policy_accepts_six_to_twelve_digits_and_refuses_the_obvious() {
        assert!(check_pin_policy("482915").is_ok());
        for weak in [
            "1234",
            "4821",
            "123",
            "12a4x5",
            "1234567890123",
            "000000",
            "999999",
            "123456",
            "654321",
            "890123",
            "012345",
        ] {
            assert!(check_pin_policy(weak).is_err(), "{weak} accepted");
        }
        assert!(check_new_pin("770142", "O-770142").is_err());
        assert!(check_new_pin("770142", "O-1001").is_ok());
    }

    #[test]
    fn a_hashed_pin_verifies_and_a_wrong_one_does_not() {
        let h = hash_pin("4821").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(pin_matches("4821", &h, None));
        assert!(!pin_matches("4822", &h, None));
        assert!(!pin_matches("4821", "garbage", None));
    }

    #[test]
    fn a_peppered_hash_does_not_verify_without_the_pepper() {
        let pepper = [7u8; 32];
        let h = hash_pin_peppered("482915", Some(&pepper)).unwrap();
        assert!(pin_matches("482915", &h, Some(&pepper)));
        assert!(
            !pin_matches("482915", &h, None),
            "a stolen ledger alone cracks nothing"
        );
        assert!(!pin_matches("482915", &h, Some(&[8u8; 32])));
    }
}
