//! Honeywell serial menu commands: encoding `SYN M CR` command strings, parsing the scanner's
//! replies (each command echoed with ACK/ENQ/NAK), and splitting replies from scan data that
//! share the same line. Sans-IO: bytes in, values out.

use std::fmt;
use thiserror::Error;

/// SYN: starts every serial command.
pub const SYN: u8 = 0x16;
/// The header of a menu command: `SYN M CR`.
pub const MENU_HEADER: [u8; 3] = [SYN, b'M', b'\r'];
/// `SYN BEL CR`: makes the scanner beep once.
pub const BEEP: [u8; 3] = [SYN, 0x07, b'\r'];
/// The reply byte for "done".
pub const ACK: u8 = 0x06;
/// The reply byte for "tag or subtag unknown".
pub const ENQ: u8 = 0x05;
/// The reply byte for "value out of range".
pub const NAK: u8 = 0x15;

/// Where the scanner keeps a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `!`: until power off.
    Ram,
    /// `.`: kept across power cycles.
    Flash,
}

impl Storage {
    fn byte(self) -> u8 {
        match self {
            Storage::Ram => b'!',
            Storage::Flash => b'.',
        }
    }
}

/// One menu command: a 3-character tag, a 3-character subtag and its data, e.g. `SUF` `BK2` `990D0A`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuCommand {
    pub tag: String,
    pub subtag: String,
    pub data: String,
}

/// A menu command that cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MenuCommandError {
    #[error("menu command '{text}' is too short: it needs a 3-character tag and a 3-character subtag, e.g. TRMUSB130")]
    TooShort { text: String },
    #[error("menu command '{text}' has a character the scanner does not accept in tag or subtag: use A-Z and 0-9")]
    BadTag { text: String },
    #[error("menu command '{text}' has data containing one of , ; ! . or a control byte, which would end the command early")]
    BadData { text: String },
    #[error("no menu commands to send")]
    Empty,
    #[error("device name '{name}' for :Name: addressing may hold only letters, digits, _ and -, or be * for any linked scanner")]
    BadAddress { name: String },
}

impl MenuCommand {
    /// Reads `TAGSUBdata`, e.g. `TRMUSB130` or the query `TRMUSB?`.
    pub fn parse(text: &str) -> Result<MenuCommand, MenuCommandError> {
        if text.len() < 6 || !text.is_char_boundary(6) {
            return Err(MenuCommandError::TooShort {
                text: text.to_string(),
            });
        }
        let (head, data) = text.split_at(6);
        if !head
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(MenuCommandError::BadTag {
                text: text.to_string(),
            });
        }
        if data
            .bytes()
            .any(|b| matches!(b, b',' | b';' | b'!' | b'.') || !(0x20..=0x7E).contains(&b))
        {
            return Err(MenuCommandError::BadData {
                text: text.to_string(),
            });
        }
        Ok(MenuCommand {
            tag: head[..3].to_string(),
            subtag: head[3..].to_string(),
            data: data.to_string(),
        })
    }
}

impl fmt::Display for MenuCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.tag, self.subtag, self.data)
    }
}

/// Encodes commands into one serial message. Consecutive commands with the same tag are joined
/// with `,` (the tag is written once), others with `;`.
pub fn encode(commands: &[MenuCommand], storage: Storage) -> Result<Vec<u8>, MenuCommandError> {
    encode_addressed(commands, storage, None)
}

/// Checks a cordless device name for `:Name:`: the scanner's `BT_NAM`, or `*` for "the linked
/// scanner, whatever its name".
pub fn check_address(name: &str) -> Result<(), MenuCommandError> {
    let ok = name == "*"
        || (!name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
    if ok {
        Ok(())
    } else {
        Err(MenuCommandError::BadAddress {
            name: name.to_string(),
        })
    }
}

/// Like [`encode`], with `:Name:` after the header when `address` is given. Cordless Honeywell
/// models (a base and a linked scanner) send a command without a name to the base; `:Name:` or
/// `:*:` sends it to the scanner (user guides, "Menu Command Syntax").
pub fn encode_addressed(
    commands: &[MenuCommand],
    storage: Storage,
    address: Option<&str>,
) -> Result<Vec<u8>, MenuCommandError> {
    if commands.is_empty() {
        return Err(MenuCommandError::Empty);
    }
    let mut out = MENU_HEADER.to_vec();
    if let Some(name) = address {
        check_address(name)?;
        out.push(b':');
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
    }
    let mut prev_tag: Option<&str> = None;
    for cmd in commands {
        // Re-check: fields may have been built by hand rather than parsed.
        MenuCommand::parse(&cmd.to_string())?;
        match prev_tag {
            Some(tag) if tag == cmd.tag => {
                out.push(b',');
            }
            Some(_) => {
                out.push(b';');
                out.extend_from_slice(cmd.tag.as_bytes());
            }
            None => out.extend_from_slice(cmd.tag.as_bytes()),
        }
        out.extend_from_slice(cmd.subtag.as_bytes());
        out.extend_from_slice(cmd.data.as_bytes());
        prev_tag = Some(&cmd.tag);
    }
    out.push(storage.byte());
    Ok(out)
}

/// The `REVINF.` query: the scanner reports model and firmware.
pub fn revinf() -> Vec<u8> {
    let mut out = MENU_HEADER.to_vec();
    out.extend_from_slice(b"REVINF.");
    out
}

/// What the scanner said about one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuStatus {
    /// ACK: done.
    Ack,
    /// ENQ: the tag or subtag is unknown to this scanner.
    Unknown,
    /// NAK: the value is out of range.
    BadValue,
}

impl MenuStatus {
    fn from_byte(b: u8) -> Option<MenuStatus> {
        match b {
            ACK => Some(MenuStatus::Ack),
            ENQ => Some(MenuStatus::Unknown),
            NAK => Some(MenuStatus::BadValue),
            _ => None,
        }
    }
}

/// One command as echoed in a reply. For queries (`TRMUSB?`) `text` holds the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyEntry {
    /// The echoed command, tag included even when the scanner joined it with `,`.
    pub text: String,
    pub status: MenuStatus,
}

/// A complete reply to one menu message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuReply {
    pub entries: Vec<ReplyEntry>,
    pub storage: Storage,
}

/// A reply that does not follow the menu reply grammar.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MenuReplyError {
    #[error("the scanner's reply is empty")]
    Empty,
    #[error("the scanner's reply does not end with '.' or '!' after ACK/ENQ/NAK; it may be cut off. Send the command again")]
    Unterminated,
    #[error(
        "the scanner's reply has an entry without ACK, ENQ or NAK: '{}'",
        crate::bytes::escape(entry)
    )]
    MissingStatus { entry: Vec<u8> },
    #[error(
        "the scanner's reply has byte 0x{byte:02X} where ',' ';' '.' or '!' should follow a status"
    )]
    BadSeparator { byte: u8 },
}

/// Parses one complete reply such as `TRMUSB130<ACK>;BEPBEP1<ACK>.`. A leading `SYN M CR`
/// (some firmware echoes it) is skipped.
pub fn parse_reply(bytes: &[u8]) -> Result<MenuReply, MenuReplyError> {
    let body = bytes.strip_prefix(&MENU_HEADER[..]).unwrap_or(bytes);
    if body.is_empty() {
        return Err(MenuReplyError::Empty);
    }
    let mut entries = Vec::new();
    let mut tag = String::new();
    let mut i = 0;
    loop {
        let start = i;
        let Some(pos) = body[start..]
            .iter()
            .position(|b| MenuStatus::from_byte(*b).is_some())
        else {
            if start == body.len() {
                return Err(MenuReplyError::Unterminated);
            }
            return Err(MenuReplyError::MissingStatus {
                entry: body[start..].to_vec(),
            });
        };
        let status_at = start + pos;
        let status = MenuStatus::from_byte(body[status_at]).unwrap_or(MenuStatus::Unknown);
        let raw = String::from_utf8_lossy(&body[start..status_at]).into_owned();
        // After ',' the scanner omits the tag; put it back so each entry reads whole.
        let text = if tag.is_empty() {
            raw
        } else {
            format!("{tag}{raw}")
        };
        let sep = body.get(status_at + 1).copied();
        entries.push(ReplyEntry {
            text: text.clone(),
            status,
        });
        match sep {
            Some(b'.') | Some(b'!') if status_at + 2 == body.len() => {
                let storage = if sep == Some(b'.') {
                    Storage::Flash
                } else {
                    Storage::Ram
                };
                return Ok(MenuReply { entries, storage });
            }
            Some(b',') => {
                tag = text.get(..3).unwrap_or("").to_string();
            }
            Some(b';') => tag.clear(),
            Some(b'.') | Some(b'!') | None => return Err(MenuReplyError::Unterminated),
            Some(byte) => return Err(MenuReplyError::BadSeparator { byte }),
        }
        i = status_at + 2;
    }
}

/// What the demultiplexer split off the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineItem {
    /// Bytes for the scan framer, in arrival order.
    ScanBytes(Vec<u8>),
    /// A complete menu reply, or a reply that did not parse (its bytes kept).
    Reply(Result<MenuReply, (MenuReplyError, Vec<u8>)>),
}

/// Splits menu replies from scan data on the same serial line.
///
/// The rule: a Honeywell scanner never sends a reply inside a scan, and replies only come after
/// the host sent a command. So while a reply is expected ([`ReplyDemux::expect_reply`] with the
/// tag of the first command sent), bytes at a scan boundary that begin with that tag are taken
/// as the reply, up to the first `.` or `!` that directly follows ACK/ENQ/NAK. Bytes that do not
/// begin with the tag are scan data, passed through untouched. When no reply is expected every
/// byte is scan data. A reply longer than `max_reply` bytes is given back as scan data.
#[derive(Debug, Clone)]
pub struct ReplyDemux {
    scan_suffix_last: Option<u8>,
    expected_tag: Option<Vec<u8>>,
    /// Also take replies nobody asked for (a running session): see [`ReplyDemux::listening`].
    passive: bool,
    at_boundary: bool,
    pending: Vec<u8>,
    max_reply: usize,
}

impl ReplyDemux {
    /// `scan_suffix` is the scan framing's suffix: its last byte marks a scan boundary.
    pub fn new(scan_suffix: &[u8]) -> ReplyDemux {
        ReplyDemux {
            scan_suffix_last: scan_suffix.last().copied(),
            expected_tag: None,
            passive: false,
            at_boundary: true,
            pending: Vec::new(),
            max_reply: 4096,
        }
    }

    /// A demultiplexer for a running session: besides replies it expects, it takes any line
    /// at a scan boundary that has the menu reply grammar (printable text, then ACK/ENQ/NAK
    /// right before `.` or `!`, and no CR, LF or other control byte) as a reply, so a late or
    /// unasked reply never reaches the framer as scan data. A line that breaks the grammar is
    /// scan data, passed on whole and in order. Needs a scan suffix (it marks the boundary and
    /// ends a scan that only looked like a reply); without one this is [`ReplyDemux::new`].
    pub fn listening(scan_suffix: &[u8]) -> ReplyDemux {
        let mut d = ReplyDemux::new(scan_suffix);
        d.passive = !scan_suffix.is_empty();
        d
    }

    /// Whether `b` may stand at position `n` (0-based) of an unasked reply.
    fn fits_reply_grammar(n: usize, b: u8, prev: Option<u8>) -> bool {
        if n == 0 {
            return b.is_ascii_alphanumeric() || b == b':';
        }
        if MenuStatus::from_byte(b).is_some() {
            return true;
        }
        if matches!(b, b'.' | b'!') {
            // Only as the terminator right after a status; elsewhere a reply has none.
            return prev.is_some_and(|p| MenuStatus::from_byte(p).is_some());
        }
        (0x20..=0x7E).contains(&b)
    }

    /// Call after sending a menu command whose first tag is `tag` (e.g. "TRM" or "REV").
    pub fn expect_reply(&mut self, tag: &str) {
        self.expected_tag = Some(tag.as_bytes().to_vec());
    }

    /// Stop waiting (e.g. the reply timed out); bytes held back are returned as scan data.
    pub fn give_up(&mut self) -> Vec<LineItem> {
        self.expected_tag = None;
        if self.pending.is_empty() {
            Vec::new()
        } else {
            self.at_boundary = false;
            vec![LineItem::ScanBytes(std::mem::take(&mut self.pending))]
        }
    }

    /// Feeds bytes from the line.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<LineItem> {
        let mut items = Vec::new();
        let mut scan = Vec::new();
        for &b in bytes {
            match &self.expected_tag {
                Some(tag) if self.at_boundary || !self.pending.is_empty() => {
                    self.pending.push(b);
                    let n = self.pending.len();
                    let prefix_ok = self.pending[..n.min(tag.len())] == tag[..n.min(tag.len())];
                    if !prefix_ok || n > self.max_reply {
                        // Not a reply after all: hand the bytes to the scan framer.
                        scan.append(&mut self.pending);
                        self.at_boundary = Some(b) == self.scan_suffix_last;
                    } else if n >= 2
                        && matches!(b, b'.' | b'!')
                        && MenuStatus::from_byte(self.pending[n - 2]).is_some()
                    {
                        if !scan.is_empty() {
                            items.push(LineItem::ScanBytes(std::mem::take(&mut scan)));
                        }
                        let raw = std::mem::take(&mut self.pending);
                        items.push(LineItem::Reply(parse_reply(&raw).map_err(|e| (e, raw))));
                        self.expected_tag = None;
                        self.at_boundary = true;
                    }
                }
                None if self.passive && (self.at_boundary || !self.pending.is_empty()) => {
                    let n = self.pending.len();
                    let prev = self.pending.last().copied();
                    if !Self::fits_reply_grammar(n, b, prev) || n >= self.max_reply {
                        scan.append(&mut self.pending);
                        scan.push(b);
                        self.at_boundary = Some(b) == self.scan_suffix_last;
                    } else {
                        self.pending.push(b);
                        if n >= 1 && matches!(b, b'.' | b'!') {
                            if !scan.is_empty() {
                                items.push(LineItem::ScanBytes(std::mem::take(&mut scan)));
                            }
                            let raw = std::mem::take(&mut self.pending);
                            items.push(LineItem::Reply(parse_reply(&raw).map_err(|e| (e, raw))));
                            self.at_boundary = true;
                        }
                    }
                }
                _ => {
                    scan.push(b);
                    self.at_boundary = Some(b) == self.scan_suffix_last;
                }
            }
        }
        if !scan.is_empty() {
            items.push(LineItem::ScanBytes(scan));
        }
        items
    }
}
