//! The evidence life cycle after intake: a review date per exhibit (from the administrator's
//! default for its category unless one is given at intake), the list of exhibits due for
//! review, disposition decisions on a recorded order, legal holds placed and lifted on one, and
//! the release of an exhibit to its owner against an identity document.
//!
//! Site settings (`site.setting`): `review_days.<category>` (days from intake to the first
//! review; 0 removes the default) and `release_witness` (`required` or `optional`).

use crate::domain::{AuthorityKind, Disposition, IdDocumentType, ItemStatus, Role};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger};
use crate::refusal::{DateField, Needed, Refusal, SamePerson, SecondPersonFor};
use crate::workflows::{find_item_in, item_from_row, refuse_terminal, ItemView, ITEM_SELECT};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// Who decides on and hands out exhibits: the evidence room's custodians (and administrators).
pub const EVIDENCE_ROLES: [Role; 2] = [Role::Custodian, Role::Administrator];

/// The setting that makes a witness obligatory at every release to an owner.
pub const RELEASE_WITNESS: &str = "release_witness";
const REVIEW_DAYS: &str = "review_days.";

/// An order, as recorded with a decision or a hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub authority_kind: AuthorityKind,
    /// The court, prosecutor's office or officer, by name.
    pub authority: String,
    /// The order's number.
    pub reference: String,
}

/// The person an exhibit is released to, as their identity document names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub id_document_type: IdDocumentType,
    pub id_document_number: String,
}

/// One administrator setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
}

fn check_order(order: &Order) -> Result<Order> {
    let authority = order.authority.trim();
    let reference = order.reference.trim();
    if authority.is_empty() || reference.is_empty() {
        return Err(Needed::OrderDetails.into());
    }
    crate::fields::check_text("authority", authority)?;
    crate::fields::check_text("reference", reference)?;
    Ok(Order {
        authority_kind: order.authority_kind,
        authority: authority.to_string(),
        reference: reference.to_string(),
    })
}

/// The category's review period in days, if the administrator set one.
pub(crate) fn review_days(conn: &Connection, category: &str) -> Result<Option<i64>> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM site_settings WHERE name = ?1")?
        .query_row(
            [format!("{REVIEW_DAYS}{}", category.trim().to_lowercase())],
            |r| r.get(0),
        )
        .optional()?;
    Ok(value.and_then(|v| v.parse::<i64>().ok()).filter(|d| *d > 0))
}

fn setting(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM site_settings WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

fn exhibit(conn: &Connection, key: &str) -> Result<ItemView> {
    let item = find_item_in(conn, key)?;
    if item.kind != "evidence" {
        return Err(CustodyError::NotAnExhibit(item.code));
    }
    Ok(item)
}

/// What a decision is about: one exhibit, or every exhibit of a case still at this site.
enum Scope<'a> {
    Item(&'a str),
    Case(&'a str),
}

/// The exhibits of a case that are still at this site (not in a terminal status).
fn case_exhibits(conn: &Connection, case: &str) -> Result<Vec<ItemView>> {
    let mut stmt = conn.prepare(&format!(
        "{ITEM_SELECT} WHERE i.kind = 'evidence' AND i.case_number = ?1
         AND i.status NOT IN (SELECT value FROM json_each(?2)) ORDER BY i.code"
    ))?;
    let items: Vec<ItemView> = stmt
        .query_map(
            params![case.trim(), ItemStatus::terminal_json()],
            item_from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    if items.is_empty() {
        return Err(CustodyError::UnknownCase(case.trim().to_string()));
    }
    Ok(items)
}

/// `YYYY-MM-DD`, or a clear refusal naming the field.
pub(crate) fn parse_date(field: DateField, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Refusal::NotADate {
            field,
            value: text.trim().to_string(),
        }
        .into()
    })
}

/// The order of the exhibit's latest disposition decision, if any.
fn latest_decision(conn: &Connection, item_id: &str) -> Result<Option<EventBody>> {
    let payload: Option<String> = conn
        .prepare_cached(
            "SELECT e.payload FROM item_events ie JOIN events e ON e.seq = ie.seq
             WHERE ie.item_id = ?1 AND e.kind = 'evidence.disposition' ORDER BY e.seq DESC LIMIT 1",
        )?
        .query_row([item_id], |r| r.get(0))
        .optional()?;
    payload
        .map(|p| {
            EventBody::from_columns("evidence.disposition", &p)
                .map_err(|e| CustodyError::Damaged(format!("{e}; run custody verify")))
        })
        .transpose()
}

/// Intake against disposal for one category over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispositionLine {
    pub category: String,
    /// Items registered here (intake, including items received by handover).
    pub intake: u64,
    pub destroyed: u64,
    pub released: u64,
    /// Handed over to another site or agency and receipted there.
    pub transferred_out: u64,
    pub lost_in_transit: u64,
    /// destroyed + released + transferred out + lost in transit.
    pub disposed: u64,
    /// disposed / intake with two decimals ("1.25"); empty when there was no intake.
    pub ratio: String,
}

/// Intake against disposal per category for the days `from` to `to` (both included, UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispositionReport {
    pub from: String,
    pub to: String,
    pub lines: Vec<DispositionLine>,
    pub total: DispositionLine,
}

impl DispositionLine {
    fn new(category: &str) -> DispositionLine {
        DispositionLine {
            category: category.to_string(),
            intake: 0,
            destroyed: 0,
            released: 0,
            transferred_out: 0,
            lost_in_transit: 0,
            disposed: 0,
            ratio: String::new(),
        }
    }

    fn finish(&mut self) {
        self.disposed =
            self.destroyed + self.released + self.transferred_out + self.lost_in_transit;
        // Integer arithmetic in hundredths, so the printed ratio is exact and reproducible.
        self.ratio = (self.disposed * 100 + self.intake / 2)
            .checked_div(self.intake)
            .map(|h| format!("{}.{:02}", h / 100, h % 100))
            .unwrap_or_default();
    }
}

impl Ledger {
    /// Intake against disposal per category for a period, from the events of the period.
    pub fn disposition_report(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<DispositionReport> {
        actor.require("see disposition reports", &Role::ALL)?;
        if to < from {
            return Err(Refusal::PeriodReversed { from, to }.into());
        }
        let end = to.succ_opt().unwrap_or(to).to_string();
        let mut lines: std::collections::BTreeMap<String, DispositionLine> = Default::default();
        let category_of = |id: &str| -> Result<String> {
            Ok(self
                .conn
                .prepare_cached("SELECT category FROM items WHERE id = ?1")?
                .query_row([id], |r| r.get::<_, String>(0))
                .optional()?
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "other".to_string()))
        };
        let mut stmt = self.conn.prepare(
            "SELECT kind, payload FROM events WHERE time >= ?1 AND time < ?2 AND kind IN
             ('item.register_weapon', 'item.register_evidence', 'destruction.execute',
              'evidence.release', 'handover.receipt', 'handover.settle') ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![from.to_string(), end])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let payload: String = r.get(1)?;
            let body = EventBody::from_columns(&kind, &payload)
                .map_err(|e| CustodyError::Damaged(format!("{e}; run custody verify")))?;
            let (ids, bump): (Vec<String>, fn(&mut DispositionLine)) = match body {
                EventBody::RegisterWeapon { item_id, .. }
                | EventBody::RegisterEvidence { item_id, .. } => (vec![item_id], |l| l.intake += 1),
                EventBody::DestructionExecute { batch_id, .. } => {
                    let mut s = self.conn.prepare_cached(
                        "SELECT item_id FROM destruction_items WHERE batch_id = ?1",
                    )?;
                    let ids = s
                        .query_map([&batch_id], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    (ids, |l| l.destroyed += 1)
                }
                EventBody::EvidenceRelease { item_id, .. } => (vec![item_id], |l| l.released += 1),
                EventBody::HandoverReceipt { received, .. } => {
                    (received, |l| l.transferred_out += 1)
                }
                EventBody::HandoverSettle { item_ids, .. } => {
                    (item_ids, |l| l.lost_in_transit += 1)
                }
                _ => continue,
            };
            for id in ids {
                let category = category_of(&id)?;
                bump(
                    lines
                        .entry(category.clone())
                        .or_insert_with(|| DispositionLine::new(&category)),
                );
            }
        }
        let mut total = DispositionLine::new("total");
        let mut lines: Vec<DispositionLine> = lines.into_values().collect();
        for l in &mut lines {
            l.finish();
            total.intake += l.intake;
            total.destroyed += l.destroyed;
            total.released += l.released;
            total.transferred_out += l.transferred_out;
            total.lost_in_transit += l.lost_in_transit;
        }
        total.finish();
        Ok(DispositionReport {
            from: from.to_string(),
            to: to.to_string(),
            lines,
            total,
        })
    }

    /// An administrator sets `review_days.<category>` (days; 0 removes the default) or
    /// `release_witness` (`required` or `optional`).
    pub fn set_setting(&mut self, admin: &Actor, name: &str, value: &str) -> Result<i64> {
        admin.require("change site settings", &[Role::Administrator])?;
        let name = name.trim().to_lowercase();
        let value = value.trim().to_lowercase();
        if let Some(category) = name.strip_prefix(REVIEW_DAYS) {
            if category.is_empty()
                || !category
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                return Err(CustodyError::UnknownSetting(name.clone()));
            }
            match value.parse::<i64>() {
                Ok(days) if (0..=36_500).contains(&days) => {}
                _ => {
                    return Err(Refusal::BadReviewDays {
                        setting: name.to_string(),
                        value: value.to_string(),
                    }
                    .into())
                }
            }
        } else if name == RELEASE_WITNESS {
            if value != "required" && value != "optional" {
                return Err(Refusal::BadReleaseWitness {
                    value: value.to_string(),
                }
                .into());
            }
        } else {
            return Err(CustodyError::UnknownSetting(name));
        }
        self.write(|w| {
            w.append(
                Some(admin.person_id()),
                None,
                &EventBody::SiteSetting { name, value },
            )
        })
    }

    pub fn settings(&self) -> Result<Vec<Setting>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, value FROM site_settings ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Setting {
                name: r.get(0)?,
                value: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Exhibits whose review date is `on` or earlier, still here and with no decision other
    /// than "keep until", oldest review date first.
    pub fn evidence_due(&self, on: NaiveDate) -> Result<Vec<ItemView>> {
        let sql = format!(
            "{ITEM_SELECT} WHERE i.kind = 'evidence' AND i.review_date <= ?1
             AND i.status NOT IN (SELECT value FROM json_each(?2))
             AND (i.disposition IS NULL OR i.disposition = 'keep_until')
             ORDER BY i.review_date, i.code"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(
            params![on.to_string(), ItemStatus::terminal_json()],
            item_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records what is to become of an exhibit, on `order`. `keep_until` needs a new review
    /// date after today; releasing, returning and destroying are refused while it is on hold.
    /// A `destroy` decision is the disposal authority a destruction batch asks for.
    pub fn evidence_dispose(
        &mut self,
        actor: &Actor,
        item: &str,
        decision: Disposition,
        order: &Order,
        review_date: Option<NaiveDate>,
        note: &str,
    ) -> Result<i64> {
        let seqs = self.dispose(actor, Scope::Item(item), decision, order, review_date, note)?;
        Ok(seqs[0])
    }

    /// The same decision for every exhibit of a case still at this site, all or none (one
    /// event each): the review date of a case.
    pub fn evidence_dispose_case(
        &mut self,
        actor: &Actor,
        case_number: &str,
        decision: Disposition,
        order: &Order,
        review_date: Option<NaiveDate>,
        note: &str,
    ) -> Result<Vec<i64>> {
        self.dispose(
            actor,
            Scope::Case(case_number),
            decision,
            order,
            review_date,
            note,
        )
    }

    fn dispose(
        &mut self,
        actor: &Actor,
        scope: Scope<'_>,
        decision: Disposition,
        order: &Order,
        review_date: Option<NaiveDate>,
        note: &str,
    ) -> Result<Vec<i64>> {
        actor.require("record disposition decisions", &EVIDENCE_ROLES)?;
        let order = check_order(order)?;
        let today = self.now().date_naive();
        let review_date = match (decision, review_date) {
            (Disposition::KeepUntil, Some(d)) if d > today => d.to_string(),
            (Disposition::KeepUntil, Some(d)) => {
                return Err(Refusal::ReviewDateNotAfterToday { date: d, today }.into())
            }
            (Disposition::KeepUntil, None) => return Err(Needed::ReviewDate.into()),
            (_, Some(_)) => return Err(Refusal::ReviewDateWithoutKeepUntil { decision }.into()),
            (_, None) => String::new(),
        };
        let leaves = matches!(
            decision,
            Disposition::ReleaseToOwner | Disposition::ReturnToAgency | Disposition::Destroy
        );
        self.write(|w| {
            let items = match scope {
                Scope::Item(key) => {
                    let item = exhibit(w.conn, key)?;
                    refuse_terminal(&item, "given a disposition")?;
                    vec![item]
                }
                Scope::Case(case) => case_exhibits(w.conn, case)?,
            };
            let mut seqs = Vec::with_capacity(items.len());
            for item in items {
                if leaves && item.legal_hold {
                    return Err(CustodyError::LegalHoldBlocks {
                        code: item.code,
                        action: "released, returned or destroyed",
                    });
                }
                seqs.push(w.append(
                    Some(actor.person_id()),
                    None,
                    &EventBody::EvidenceDisposition {
                        item_id: item.id,
                        decision,
                        authority_kind: order.authority_kind,
                        authority: order.authority.clone(),
                        order_reference: order.reference.clone(),
                        review_date: review_date.clone(),
                        note: note.trim().to_string(),
                    },
                )?);
            }
            Ok(seqs)
        })
    }

    /// Places (`hold` true) or lifts a legal hold on `order`. Only a prosecutor's or a court's
    /// order lifts one.
    pub fn evidence_hold(
        &mut self,
        actor: &Actor,
        item: &str,
        hold: bool,
        order: &Order,
        note: &str,
    ) -> Result<i64> {
        actor.require("place or lift legal holds", &EVIDENCE_ROLES)?;
        let order = check_order(order)?;
        if !hold && order.authority_kind == AuthorityKind::CaseOfficer {
            return Err(CustodyError::HoldLiftAuthority {
                given: "case officer".into(),
            });
        }
        self.write(|w| {
            let item = exhibit(w.conn, item)?;
            refuse_terminal(&item, "put on or taken off legal hold")?;
            match (hold, item.legal_hold) {
                (false, false) => return Err(CustodyError::NotOnHold(item.code)),
                (true, true) => return Err(Refusal::AlreadyOnHold { code: item.code }.into()),
                _ => {}
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::EvidenceHold {
                    item_id: item.id,
                    legal_hold: hold,
                    authority_kind: order.authority_kind,
                    authority: order.authority,
                    order_reference: order.reference,
                    note: note.trim().to_string(),
                },
            )
        })
    }

    /// Hands an exhibit to its owner: the latest decision must be `release_to_owner`, the
    /// owner's identity document is checked and recorded, and `witness` signs too (required
    /// when the site's `release_witness` setting says so). The exhibit becomes `released`, a
    /// terminal status. Returns the event's sequence number.
    pub fn evidence_release(
        &mut self,
        actor: &Actor,
        witness: Option<&Actor>,
        item: &str,
        owner: &Owner,
        note: &str,
    ) -> Result<i64> {
        actor.require("release exhibits to their owners", &EVIDENCE_ROLES)?;
        if let Some(w) = witness {
            if w.person_id() == actor.person_id() {
                return Err(CustodyError::SamePerson(SamePerson::ReleaseWitness));
            }
        }
        let name = owner.name.trim();
        if name.is_empty() {
            return Err(Needed::OwnerName.into());
        }
        crate::fields::check_text("name", name)?;
        let number = owner.id_document_number.trim().to_uppercase();
        let len = number.chars().count();
        if !(4..=40).contains(&len)
            || !number
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '/')
        {
            return Err(CustodyError::BadIdDocument(crate::fields::visible(
                owner.id_document_number.trim(),
            )));
        }
        self.write(|w| {
            if witness.is_none() && setting(w.conn, RELEASE_WITNESS)?.as_deref() == Some("required")
            {
                return Err(CustodyError::SecondPersonRequired {
                    action: SecondPersonFor::Release,
                });
            }
            let item = exhibit(w.conn, item)?;
            refuse_terminal(&item, "released")?;
            if item.legal_hold {
                return Err(CustodyError::LegalHoldBlocks {
                    code: item.code,
                    action: "released",
                });
            }
            let order_reference = match latest_decision(w.conn, &item.id)? {
                Some(EventBody::EvidenceDisposition {
                    decision: Disposition::ReleaseToOwner,
                    order_reference,
                    ..
                }) => order_reference,
                other => {
                    let decision = match other {
                        Some(EventBody::EvidenceDisposition { decision, .. }) => {
                            decision.as_str().to_string()
                        }
                        _ => "none".to_string(),
                    };
                    return Err(CustodyError::NoReleaseOrder {
                        code: item.code,
                        decision,
                    });
                }
            };
            crate::workflows::refuse_unless_free_in_store(
                w.conn,
                &item,
                "released (it must be in store)",
            )?;
            w.append(
                Some(actor.person_id()),
                witness.map(|x| x.person_id()),
                &EventBody::EvidenceRelease {
                    item_id: item.id,
                    owner_name: name.to_string(),
                    id_document_type: owner.id_document_type,
                    id_document_number: number.clone(),
                    order_reference,
                    note: note.trim().to_string(),
                },
            )
        })
    }
}
