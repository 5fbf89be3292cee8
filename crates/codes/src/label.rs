//! Custody's own label codes: a kind letter, ten Crockford base32 symbols and a check symbol.
//!
//! The check symbol is a Damm check over GF(32) (x∘y = αx + y), which catches every
//! single-symbol substitution and every adjacent transposition, including a swap with the
//! check symbol itself. The byte-exact rules are in docs/label-codes.md.

use std::fmt;

/// Crockford's base32 alphabet: no I, L, O or U, so nothing reads as another symbol.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Number of random payload symbols (50 bits: collisions stay negligible across a country).
pub const PAYLOAD_LEN: usize = 10;

/// What a Custody label stands for. The letter is the first symbol of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    Weapon,
    Evidence,
    Location,
    Person,
    Batch,
    Manifest,
    Stocktake,
    Command,
    /// An ammunition lot (the label on its stack or pallet).
    Lot,
    /// One package of an ammunition lot: scanned in a count, it counts the package's contents.
    Package,
}

impl LabelKind {
    pub const ALL: [LabelKind; 10] = [
        LabelKind::Weapon,
        LabelKind::Evidence,
        LabelKind::Location,
        LabelKind::Person,
        LabelKind::Batch,
        LabelKind::Manifest,
        LabelKind::Stocktake,
        LabelKind::Command,
        LabelKind::Lot,
        LabelKind::Package,
    ];

    /// The kind letter. Every letter is in [`ALPHABET`] so the whole code is one alphabet.
    pub fn letter(self) -> char {
        match self {
            LabelKind::Weapon => 'W',
            LabelKind::Evidence => 'E',
            LabelKind::Location => 'R',
            LabelKind::Person => 'P',
            LabelKind::Batch => 'B',
            LabelKind::Manifest => 'M',
            LabelKind::Stocktake => 'T',
            LabelKind::Command => 'C',
            LabelKind::Lot => 'A',
            LabelKind::Package => 'K',
        }
    }

    pub fn from_letter(c: char) -> Option<LabelKind> {
        LabelKind::ALL
            .into_iter()
            .find(|k| k.letter() == c.to_ascii_uppercase())
    }

    pub fn name(self) -> &'static str {
        match self {
            LabelKind::Weapon => "weapon",
            LabelKind::Evidence => "evidence",
            LabelKind::Location => "location",
            LabelKind::Person => "person",
            LabelKind::Batch => "batch",
            LabelKind::Manifest => "manifest",
            LabelKind::Stocktake => "stocktake",
            LabelKind::Command => "command",
            LabelKind::Lot => "lot",
            LabelKind::Package => "package",
        }
    }
}

/// Commands an officer can scan from the command sheet to drive a batch screen hands-free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanCommand {
    Done,
    Cancel,
    UndoLast,
    Next,
}

impl ScanCommand {
    pub const ALL: [ScanCommand; 4] = [
        ScanCommand::Done,
        ScanCommand::Cancel,
        ScanCommand::UndoLast,
        ScanCommand::Next,
    ];

    fn number(self) -> u64 {
        match self {
            ScanCommand::Done => 1,
            ScanCommand::Cancel => 2,
            ScanCommand::UndoLast => 3,
            ScanCommand::Next => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ScanCommand::Done => "done",
            ScanCommand::Cancel => "cancel",
            ScanCommand::UndoLast => "undo last",
            ScanCommand::Next => "next",
        }
    }

    /// The fixed label code printed on the command sheet.
    pub fn code(self) -> LabelCode {
        LabelCode::from_number(LabelKind::Command, self.number())
    }
}

/// Why a text is not a Custody label code. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelCodeError {
    #[error("empty code: scan the label again or type the code printed under it")]
    Empty,
    #[error("'{0}' is not a Custody label kind letter (expected one of W E R P B M T C A K)")]
    UnknownKind(char),
    #[error("a Custody code has {expected} symbols after the kind letter, this one has {found}; check for a missing or extra symbol")]
    WrongLength { expected: usize, found: usize },
    #[error("'{0}' cannot appear in a Custody code (allowed: 0-9 and A-Z except I, L, O, U)")]
    BadSymbol(char),
    #[error(
        "check symbol does not match: a symbol was mistyped or misread; rescan or retype the code"
    )]
    BadCheck,
    #[error("'{0}' is not a command on the command sheet")]
    UnknownCommand(String),
}

/// A validated Custody label code, stored in canonical form (upper case, no separators).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelCode(String);

fn symbol_value(c: char) -> Option<u8> {
    // Crockford decoding: lower case is accepted; O reads as 0, I and L read as 1.
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u8)
}

/// Multiplication by α in GF(32) with the primitive polynomial x^5 + x^2 + 1.
fn times_alpha(x: u8) -> u8 {
    let shifted = x << 1;
    if shifted & 0x20 != 0 {
        (shifted ^ 0x25) & 0x1f
    } else {
        shifted
    }
}

/// Damm interim over the quasigroup x∘y = αx + y; a valid code ends at 0.
fn damm(values: impl IntoIterator<Item = u8>) -> u8 {
    values
        .into_iter()
        .fold(0u8, |interim, v| times_alpha(interim) ^ v)
}

impl LabelCode {
    /// Builds a code of `kind` from a payload number (only the low 50 bits are used).
    pub fn from_number(kind: LabelKind, number: u64) -> LabelCode {
        let mut values = Vec::with_capacity(PAYLOAD_LEN + 2);
        values.push(symbol_value(kind.letter()).expect("kind letters are in the alphabet"));
        for i in (0..PAYLOAD_LEN).rev() {
            values.push(((number >> (5 * i)) & 0x1f) as u8);
        }
        let check = times_alpha(damm(values.iter().copied()));
        values.push(check);
        LabelCode(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        )
    }

    /// Builds a code from 8 random bytes (the caller supplies randomness: this crate does no IO).
    pub fn from_random(kind: LabelKind, random: [u8; 8]) -> LabelCode {
        LabelCode::from_number(kind, u64::from_le_bytes(random))
    }

    /// Parses a typed or scanned code: case-insensitive, hyphens and spaces ignored.
    pub fn parse(text: &str) -> Result<LabelCode, LabelCodeError> {
        let symbols: Vec<char> = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t'))
            .collect();
        let first = *symbols.first().ok_or(LabelCodeError::Empty)?;
        LabelKind::from_letter(first).ok_or(LabelCodeError::UnknownKind(first))?;
        if symbols.len() != PAYLOAD_LEN + 2 {
            return Err(LabelCodeError::WrongLength {
                expected: PAYLOAD_LEN + 1,
                found: symbols.len() - 1,
            });
        }
        let values = symbols
            .iter()
            .map(|&c| symbol_value(c).ok_or(LabelCodeError::BadSymbol(c)))
            .collect::<Result<Vec<u8>, _>>()?;
        if damm(values.iter().copied()) != 0 {
            return Err(LabelCodeError::BadCheck);
        }
        Ok(LabelCode(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        ))
    }

    pub fn kind(&self) -> LabelKind {
        LabelKind::from_letter(self.0.chars().next().unwrap_or('?'))
            .expect("a LabelCode is validated on construction")
    }

    /// The payload as a number (for command codes, the command number).
    pub fn number(&self) -> u64 {
        self.0[1..=PAYLOAD_LEN]
            .chars()
            .filter_map(symbol_value)
            .fold(0u64, |n, v| (n << 5) | v as u64)
    }

    /// The command this code stands for, if it is a command label.
    pub fn command(&self) -> Option<ScanCommand> {
        if self.kind() != LabelKind::Command {
            return None;
        }
        ScanCommand::ALL
            .into_iter()
            .find(|c| c.number() == self.number())
    }

    /// Canonical form, as encoded in barcodes: `W7K3M9QXD4TC`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Human-readable form printed under the barcode: `W-7K3M9-QXD4T-C`.
    pub fn display_form(&self) -> String {
        let s = &self.0;
        format!("{}-{}-{}-{}", &s[..1], &s[1..6], &s[6..11], &s[11..])
    }
}

impl fmt::Display for LabelCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for LabelCode {
    type Err = LabelCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LabelCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_codes() -> Vec<LabelCode> {
        let mut seed = 0x9e3779b97f4a7c15u64;
        (0..200)
            .map(|i| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                LabelCode::from_number(LabelKind::ALL[i % LabelKind::ALL.len()], seed >> 7)
            })
            .collect()
    }

    #[test]
    fn a_generated_code_parses_back_in_every_printed_form() {
        for code in sample_codes() {
            assert_eq!(LabelCode::parse(code.as_str()).unwrap(), code);
            assert_eq!(LabelCode::parse(&code.display_form()).unwrap(), code);
            assert_eq!(
                LabelCode::parse(&code.as_str().to_lowercase()).unwrap(),
                code
            );
        }
    }

    #[test]
    fn every_single_symbol_substitution_is_caught() {
        for code in sample_codes() {
            let symbols: Vec<char> = code.as_str().chars().collect();
            for pos in 1..symbols.len() {
                for &replacement in ALPHABET.iter() {
                    let replacement = replacement as char;
                    if replacement == symbols[pos] {
                        continue;
                    }
                    let mut typo = symbols.clone();
                    typo[pos] = replacement;
                    let typo: String = typo.into_iter().collect();
                    assert!(
                        LabelCode::parse(&typo).is_err(),
                        "{typo} from {code} passed"
                    );
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_caught() {
        for code in sample_codes() {
            let symbols: Vec<char> = code.as_str().chars().collect();
            for pos in 1..symbols.len() - 1 {
                if symbols[pos] == symbols[pos + 1] {
                    continue;
                }
                let mut swapped = symbols.clone();
                swapped.swap(pos, pos + 1);
                let swapped: String = swapped.into_iter().collect();
                assert_eq!(
                    LabelCode::parse(&swapped),
                    Err(LabelCodeError::BadCheck),
                    "{swapped} from {code}"
                );
            }
        }
    }

    #[test]
    fn a_changed_kind_letter_is_caught() {
        let code = LabelCode::from_number(LabelKind::Weapon, 12345);
        let forged = format!("E{}", &code.as_str()[1..]);
        assert_eq!(LabelCode::parse(&forged), Err(LabelCodeError::BadCheck));
    }

    #[test]
    fn the_quasigroup_is_totally_antisymmetric() {
        // (c∘x)∘y == (c∘y)∘x only when x == y: the property that catches transpositions.
        for c in 0..32u8 {
            for x in 0..32u8 {
                for y in 0..32u8 {
                    let a = times_alpha(times_alpha(c) ^ x) ^ y;
                    let b = times_alpha(times_alpha(c) ^ y) ^ x;
                    assert_eq!(a == b, x == y);
                }
            }
        }
    }

    #[test]
    fn malformed_codes_get_their_own_errors() {
        assert_eq!(LabelCode::parse(""), Err(LabelCodeError::Empty));
        assert_eq!(LabelCode::parse("--"), Err(LabelCodeError::Empty));
        assert_eq!(
            LabelCode::parse("X0000000000"),
            Err(LabelCodeError::UnknownKind('X'))
        );
        assert!(matches!(
            LabelCode::parse("W123"),
            Err(LabelCodeError::WrongLength {
                expected: 11,
                found: 3
            })
        ));
        assert_eq!(
            LabelCode::parse("W12345U78901"),
            Err(LabelCodeError::BadSymbol('U'))
        );
        assert_eq!(
            LabelCode::parse("W1234#678901"),
            Err(LabelCodeError::BadSymbol('#'))
        );
    }

    #[test]
    fn command_codes_name_their_command() {
        for command in ScanCommand::ALL {
            let code = command.code();
            assert_eq!(code.kind(), LabelKind::Command);
            assert_eq!(
                LabelCode::parse(code.as_str()).unwrap().command(),
                Some(command)
            );
        }
        assert_eq!(LabelCode::from_number(LabelKind::Weapon, 1).command(), None);
    }

    #[test]
    fn the_published_test_vector_holds() {
        // docs/label-codes.md walks through this example by hand.
        let code = LabelCode::from_number(LabelKind::Weapon, 1);
        assert_eq!(code.as_str(), "W0000000001W");
        assert_eq!(code.display_form(), "W-00000-00001-W");
    }
}
