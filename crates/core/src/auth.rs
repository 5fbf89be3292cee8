//! Badge + PIN authentication. PINs are stretched with Argon2id and kept in `credentials`,
//! outside the event log; every failed attempt is an event, and repeated failures lock a badge.

use crate::domain::Role;
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// Consecutive failures that lock a badge.
pub const MAX_FAILURES: u32 = 5;
/// How long a locked badge stays locked after its last failure.
pub const LOCKOUT_MINUTES: i64 = 15;

/// PINs are typed on a touch keypad: digits only, 4 to 12 of them.
pub fn check_pin_policy(pin: &str) -> Result<()> {
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CustodyError::Invalid(
            "a PIN is 4 to 12 digits (0-9), nothing else".into(),
        ));
    }
    Ok(())
}

fn argon2() -> Argon2<'static> {
    // OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane — about 30 ms here.
    let params = argon2::Params::new(19 * 1024, 2, 1, None).expect("constant parameters are valid");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

pub fn hash_pin(pin: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| CustodyError::Invalid(format!("salt encoding: {e}")))?;
    argon2()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CustodyError::Invalid(format!("PIN hashing failed: {e}")))
}

fn pin_matches(pin: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon2().verify_password(pin.as_bytes(), &h).is_ok())
        .unwrap_or(false)
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

impl Ledger {
    /// Checks a badge (or a person's P-label code) and PIN. A failure is recorded as an event
    /// before the error is returned; a locked badge is refused without checking the PIN.
    pub fn authenticate(&mut self, badge: &str, pin: &str) -> Result<Actor> {
        let badge = badge.trim();
        let candidate = self
            .conn
            .query_row(
                "SELECT p.id, p.name, p.badge, p.roles, p.active, p.failed_logins, p.last_failure,
                        c.pin_hash
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
                    })
                },
            )
            .optional()?;
        let Some(c) = candidate else {
            self.record_failure("", badge, "unknown badge")?;
            return Err(CustodyError::UnknownBadge(badge.to_string()));
        };
        if !c.active {
            self.record_failure(&c.id, &c.badge, "inactive person")?;
            return Err(CustodyError::Inactive(c.badge));
        }
        let now = self.now();
        let locked_for = minutes_left(c.last_failure.as_deref(), now);
        if c.failed >= MAX_FAILURES && locked_for > 0 {
            self.record_failure(&c.id, &c.badge, "attempt while locked")?;
            return Err(CustodyError::LockedOut {
                badge: c.badge,
                failures: c.failed + 1,
                minutes: LOCKOUT_MINUTES,
            });
        }
        let ok = c.pin_hash.as_deref().is_some_and(|h| pin_matches(pin, h));
        if !ok {
            self.record_failure(&c.id, &c.badge, "wrong PIN")?;
            let failures = c.failed + 1;
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
        if c.failed > 0 {
            let id = c.id.clone();
            self.write(|w| {
                w.append(
                    Some(&id),
                    None,
                    &EventBody::AuthReset {
                        person_id: id.clone(),
                        by: "successful login".into(),
                    },
                )
            })?;
        }
        Ok(Actor {
            person_id: c.id,
            name: c.name,
            badge: c.badge,
            roles: parse_roles(&c.roles),
        })
    }

    fn record_failure(&mut self, person_id: &str, badge: &str, reason: &str) -> Result<()> {
        self.write(|w| {
            w.append(
                None,
                None,
                &EventBody::AuthFailed {
                    person_id: person_id.to_string(),
                    badge: badge.to_string(),
                    reason: reason.to_string(),
                },
            )
        })?;
        Ok(())
    }

    /// An administrator lifts a lock-out.
    pub fn unlock_person(&mut self, admin: &Actor, badge: &str) -> Result<i64> {
        self.append_admin_event(admin, "unlock a badge", badge, |person_id| {
            EventBody::AuthReset {
                person_id,
                by: "administrator".into(),
            }
        })
    }

    /// Sets a new PIN. A person may change their own; an administrator may reset anyone's.
    pub fn set_pin(&mut self, actor: &Actor, badge: &str, new_pin: &str) -> Result<i64> {
        check_pin_policy(new_pin)?;
        let person = self.person_by_badge(badge)?;
        if person.id != actor.person_id() {
            actor.require("reset another person's PIN", &[Role::Administrator])?;
        }
        let hash = hash_pin(new_pin)?;
        let actor_id = actor.person_id().to_string();
        self.write(|w| {
            w.conn.execute(
                "INSERT INTO credentials (person_id, pin_hash) VALUES (?1, ?2)
                 ON CONFLICT(person_id) DO UPDATE SET pin_hash = excluded.pin_hash",
                params![person.id, hash],
            )?;
            w.append(
                Some(&actor_id),
                None,
                &EventBody::PersonPinSet {
                    person_id: person.id.clone(),
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_policy_accepts_digits_only() {
        assert!(check_pin_policy("1234").is_ok());
        assert!(check_pin_policy("123").is_err());
        assert!(check_pin_policy("12a4").is_err());
        assert!(check_pin_policy("1234567890123").is_err());
    }

    #[test]
    fn a_hashed_pin_verifies_and_a_wrong_one_does_not() {
        let h = hash_pin("4821").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(pin_matches("4821", &h));
        assert!(!pin_matches("4822", &h));
        assert!(!pin_matches("4821", "garbage"));
    }
}
