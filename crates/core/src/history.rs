//! Where an event moved an item from and to, in names a reader of a printed history knows.

use crate::error::Result;
use crate::event::EventBody;
use crate::ledger::Ledger;

/// From, to and notes of one item event, names resolved (empty where they do not apply).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Movement {
    pub from: String,
    pub to: String,
    pub notes: String,
}

impl Ledger {
    pub(crate) fn movement(&self, body: &EventBody) -> Result<Movement> {
        let location = |id: Option<&str>| self.name_of("locations", id);
        let person = |id: Option<&str>| self.name_of("persons", id);
        Ok(match body {
            EventBody::RegisterWeapon { location_id, .. }
            | EventBody::RegisterEvidence { location_id, .. } => Movement {
                to: location(location_id.as_deref())?,
                ..Movement::default()
            },
            EventBody::Move {
                from_location,
                to_location,
                ..
            } => Movement {
                from: location(from_location.as_deref())?,
                to: location(Some(to_location))?,
                notes: String::new(),
            },
            EventBody::Transfer {
                from_person,
                to_person,
                reason,
                ..
            } => Movement {
                from: person(from_person.as_deref())?,
                to: person(Some(to_person))?,
                notes: reason.clone(),
            },
            EventBody::CheckOut {
                to_whom,
                purpose,
                due,
                ..
            } => Movement {
                from: String::new(),
                to: to_whom.clone(),
                notes: format!("{purpose}; due {due}"),
            },
            EventBody::CheckIn {
                location_id, note, ..
            } => Movement {
                from: String::new(),
                to: location(location_id.as_deref())?,
                notes: note.clone(),
            },
            EventBody::Status {
                status, reference, ..
            } => Movement {
                notes: format!("{status}: {reference}"),
                ..Movement::default()
            },
            EventBody::EvidenceRelease { owner_name, .. } => Movement {
                to: owner_name.clone(),
                ..Movement::default()
            },
            EventBody::ItemReturn { location_id, .. } => Movement {
                to: location(location_id.as_deref())?,
                ..Movement::default()
            },
            _ => Movement::default(),
        })
    }
}
