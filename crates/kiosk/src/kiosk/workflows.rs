//! The stocktake, destruction and handover screens. Each answer comes from custody-core: the
//! kiosk keeps only what a person has scanned but not yet handed to core as a list (a re-count,
//! a dispatch list) and what is on screen. Core's typed errors become message codes.

use super::destruction::DestructionScreen;
use super::documents::DocumentTarget;
use super::handover::HandoverScreen;
use super::stocktake::StocktakeScreen;
use super::{item_summary, Kiosk};
use crate::messages::{display_code, msg, msg1};
use crate::MsgKind;
use crate::{AppWindow, DestructionState, HandoverState, ItemLine, Msg, ScanMark, Screen};
use custody_codes::{LabelCode, ScanCommand};
use custody_core::documents::DocumentKind;
use custody_core::{Actor, CustodyError, ItemView};
use custody_scan::Outcome;
use slint::ComponentHandle;

/// What one scan on a workflow screen came to: feedback, the scan-strip row, the sentence.
pub struct Answer {
    pub outcome: Outcome,
    pub row: ScanMark,
    pub message: Msg,
}

pub(super) fn good(message: Msg) -> Answer {
    Answer {
        outcome: Outcome::Accepted,
        row: ScanMark::Added,
        message,
    }
}

pub(super) fn refused(row: ScanMark, message: Msg) -> Answer {
    Answer {
        outcome: Outcome::Refused,
        row,
        message,
    }
}

pub(super) fn count_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(super) fn line(item: &ItemView) -> ItemLine {
    ItemLine {
        code: display_code(&item.code).into(),
        summary: item_summary(item).into(),
    }
}

/// A scanned command label ("done", "cancel", "undo last", "next"), if it is one.
pub(super) fn command_of(text: &str) -> Option<ScanCommand> {
    LabelCode::parse(text).ok().and_then(|c| c.command())
}

impl Kiosk {
    pub(super) fn signed_in(&mut self, app: &AppWindow) -> Option<Actor> {
        let actor = self.actor.clone();
        if actor.is_none() {
            self.logout(app, None);
        }
        actor
    }

    /// Another person signs on the spot with badge and PIN (co-signer, witness).
    pub(super) fn second_person(
        &mut self,
        badge: &str,
        pin: &str,
    ) -> Option<Result<Actor, CustodyError>> {
        if badge.trim().is_empty() || pin.is_empty() {
            return None;
        }
        Some(self.ledger.authenticate(badge.trim(), pin))
    }

    /// Whatever a signed-out person left on the counted, witnessed and signed screens.
    pub(super) fn clear_flows(&mut self) {
        self.stocktake = StocktakeScreen::default();
        self.destruction = DestructionScreen::default();
        self.handover = HandoverScreen::default();
    }

    /// Seals and prints a document about what this screen just finished (into this PC's
    /// documents folder); `None` when there is nothing yet.
    pub(super) fn print_finished(
        &mut self,
        app: &AppWindow,
        kind: DocumentKind,
        code: Option<String>,
    ) -> Result<Msg, Msg> {
        self.touch();
        let code = code.ok_or_else(|| msg(MsgKind::NothingDispatched))?;
        let target = DocumentTarget::Sealed(kind, code);
        self.issue_document(app, &target, std::path::Path::new(""), false, true)
    }

    pub(super) fn workflow_scan(&mut self, app: &AppWindow, screen: Screen, text: &str) -> Answer {
        if let Some(cmd) = command_of(text) {
            return self.workflow_command(app, screen, cmd);
        }
        match screen {
            Screen::Stocktake => self.stocktake_scan_text(app, text),
            Screen::Destruction => self.destruction_add(app, text),
            Screen::Handover if app.global::<HandoverState>().get_mode() == "receive" => {
                self.handover_receive(app, text)
            }
            _ => {
                if self.location_named(text).is_some() {
                    return good(msg1(MsgKind::ScanFound, text));
                }
                self.handover_add(app, text)
            }
        }
    }

    fn workflow_command(&mut self, app: &AppWindow, screen: Screen, cmd: ScanCommand) -> Answer {
        let dest = app.global::<DestructionState>();
        let hand = app.global::<HandoverState>();
        match (screen, cmd) {
            (Screen::Destruction, ScanCommand::Done) => {
                let o = self.destruction_confirm_recount(app);
                Answer {
                    outcome: o,
                    row: if o == Outcome::Accepted {
                        ScanMark::Added
                    } else {
                        ScanMark::Refused
                    },
                    message: dest.get_message(),
                }
            }
            (Screen::Destruction, ScanCommand::UndoLast)
                if self.destruction.recount.pop().is_some() =>
            {
                self.refresh_destruction(app);
                dest.set_message(msg(MsgKind::RecountUndone));
                good(msg(MsgKind::RecountUndone))
            }
            (Screen::Destruction, ScanCommand::Cancel) => {
                self.destruction.recount.clear();
                self.destruction.lot_recount.clear();
                self.refresh_destruction(app);
                dest.set_message(msg(MsgKind::RecountCleared));
                good(msg(MsgKind::RecountCleared))
            }
            (Screen::Handover, ScanCommand::Done) if hand.get_mode() == "send" => {
                let o = self.handover_dispatch(app);
                Answer {
                    outcome: o,
                    row: if o == Outcome::Accepted {
                        ScanMark::Added
                    } else {
                        ScanMark::Refused
                    },
                    message: hand.get_message(),
                }
            }
            (Screen::Handover, ScanCommand::UndoLast)
                if self.handover.send_list.pop().is_some() =>
            {
                self.refresh_handover(app);
                hand.set_message(msg(MsgKind::ListUndone));
                good(msg(MsgKind::ListUndone))
            }
            (Screen::Handover, ScanCommand::Cancel) => {
                self.handover_clear(app);
                good(msg(MsgKind::ListCleared))
            }
            _ => refused(ScanMark::Refused, msg1(MsgKind::ScanUnknown, cmd.name())),
        }
    }

    /// The location a scanned text names (label code or name), if any.
    pub(super) fn location_named(&self, text: &str) -> Option<String> {
        self.ledger
            .find_location(text)
            .ok()
            .flatten()
            .map(|l| l.name)
    }
}
