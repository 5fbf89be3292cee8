//! Keyboard-wedge scanners (USB keyboard mode): a sans-IO burst detector that tells a scan
//! (many keys, a few ms apart, ending in Enter) from a person typing, and warnings about what a
//! keyboard layout does to scanned data.

use std::time::{Duration, Instant};

/// A key as the kiosk received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character the OS produced from the key.
    Char(char),
    /// Enter / Return: the usual end of a keyboard-mode scan.
    Enter,
}

/// Timing limits that separate scanner bursts from typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstThresholds {
    /// Largest average gap between keys of a scan (scanners: 1-15 ms; people: 80 ms and more).
    pub max_mean_gap: Duration,
    /// Largest single gap inside a scan (allows one hiccup from the OS scheduler).
    pub max_single_gap: Duration,
    /// Fewest characters in a scan; shorter bursts are treated as typing.
    pub min_len: usize,
    /// After this pause, keys without Enter are handed over as typing.
    pub typing_flush: Duration,
}

impl Default for BurstThresholds {
    fn default() -> Self {
        BurstThresholds {
            max_mean_gap: Duration::from_millis(25),
            max_single_gap: Duration::from_millis(80),
            min_len: 4,
            typing_flush: Duration::from_millis(1500),
        }
    }
}

/// What the detector decided about a run of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WedgeEvent {
    /// A scan: the characters before Enter.
    Scan(String),
    /// A person typing: the characters, and whether Enter ended them.
    Typed { text: String, enter: bool },
}

/// Sans-IO burst detector: feed every key with the time it arrived.
#[derive(Debug, Clone)]
pub struct BurstDetector {
    limits: BurstThresholds,
    keys: Vec<(char, Instant)>,
}

impl BurstDetector {
    pub fn new(limits: BurstThresholds) -> BurstDetector {
        BurstDetector {
            limits,
            keys: Vec::new(),
        }
    }

    /// Feeds one key.
    pub fn push(&mut self, key: Key, now: Instant) -> Vec<WedgeEvent> {
        let mut out = self.poll(now);
        match key {
            Key::Char(c) => self.keys.push((c, now)),
            Key::Enter => {
                let keys = std::mem::take(&mut self.keys);
                let text: String = keys.iter().map(|(c, _)| *c).collect();
                if self.is_burst(&keys, now) {
                    out.push(WedgeEvent::Scan(text));
                } else {
                    out.push(WedgeEvent::Typed { text, enter: true });
                }
            }
        }
        out
    }

    /// Hands over keys without Enter as typing once the pause is long enough.
    pub fn poll(&mut self, now: Instant) -> Vec<WedgeEvent> {
        match self.keys.last() {
            Some((_, last)) if now.saturating_duration_since(*last) >= self.limits.typing_flush => {
                let text = self.keys.drain(..).map(|(c, _)| c).collect();
                vec![WedgeEvent::Typed { text, enter: false }]
            }
            _ => Vec::new(),
        }
    }

    fn is_burst(&self, keys: &[(char, Instant)], enter_at: Instant) -> bool {
        if keys.len() < self.limits.min_len {
            return false;
        }
        let times: Vec<Instant> = keys
            .iter()
            .map(|(_, t)| *t)
            .chain(std::iter::once(enter_at))
            .collect();
        let gaps: Vec<Duration> = times
            .windows(2)
            .map(|w| w[1].saturating_duration_since(w[0]))
            .collect();
        let total: Duration = gaps.iter().sum();
        let mean = total / gaps.len().max(1) as u32;
        let worst = gaps.iter().max().copied().unwrap_or_default();
        mean <= self.limits.max_mean_gap && worst <= self.limits.max_single_gap
    }
}

/// A keyboard layout Custody knows how it treats scanner keystrokes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Us,
    /// Serbian Latin: QWERTZ, symbols moved.
    SerbianLatin,
    /// Serbian Cyrillic: letters give Cyrillic.
    SerbianCyrillic,
    /// Albanian: QWERTZ, symbols moved.
    Albanian,
    /// Macedonian: Cyrillic letters.
    Macedonian,
    /// Romanian (standard): symbols and diacritics moved.
    Romanian,
    /// Any other layout.
    Other,
}

impl Layout {
    /// From an XKB/Windows-style code: us, rs, rs-latin, al, mk, ro, md ...
    pub fn from_code(code: &str) -> Layout {
        match code.to_ascii_lowercase().as_str() {
            "us" | "en-us" => Layout::Us,
            "rs-latin" | "sr-latn" | "rs(latin)" | "hr" | "si" | "ba" | "me" => {
                Layout::SerbianLatin
            }
            "rs" | "sr" | "sr-cyrl" => Layout::SerbianCyrillic,
            "al" | "sq" => Layout::Albanian,
            "mk" => Layout::Macedonian,
            "ro" | "md" => Layout::Romanian,
            _ => Layout::Other,
        }
    }
}

/// Says what will go wrong if `sample` (what the scanner means to send) is typed through
/// `layout`, or `None` if it survives. Scanners in keyboard mode send US key positions.
pub fn layout_warning(layout: Layout, sample: &[u8]) -> Option<String> {
    let mut problems = Vec::new();
    if sample.contains(&0x1D) {
        problems.push(
            "the GS1 separator (GS, 0x1D) has no key on any layout, so GS1 fields run together"
                .to_string(),
        );
    }
    if sample
        .iter()
        .any(|b| *b < 0x20 && *b != 0x1D && *b != b'\r' && *b != b'\n' && *b != b'\t')
    {
        problems.push("control bytes (RS, EOT of ISO 15434 data) cannot be typed".to_string());
    }
    if layout != Layout::Us {
        if sample.contains(&b']') {
            problems.push(format!("the AIM identifier's ']' comes out as another character on the {layout:?} layout, so the symbology cannot be told"));
        }
        if matches!(layout, Layout::SerbianLatin | Layout::Albanian)
            && sample
                .iter()
                .any(|b| matches!(b, b'Y' | b'Z' | b'y' | b'z'))
        {
            problems.push(format!(
                "the {layout:?} layout swaps Y and Z, so serial numbers with Y or Z change"
            ));
        }
        if matches!(layout, Layout::SerbianCyrillic | Layout::Macedonian)
            && sample.iter().any(|b| b.is_ascii_alphabetic())
        {
            problems.push(format!(
                "the {layout:?} layout turns Latin letters into Cyrillic ones"
            ));
        }
        if sample
            .iter()
            .any(|b| b.is_ascii_punctuation() && !matches!(b, b'.' | b',' | b'-'))
        {
            problems.push(format!(
                "symbols such as / ( ) are on other keys in the {layout:?} layout"
            ));
        }
    }
    if problems.is_empty() {
        return None;
    }
    Some(format!(
        "Keyboard mode will garble this scan: {}. Put the scanner in USB serial mode (see firmware-config/README.md), or switch the kiosk to the US layout.",
        problems.join("; ")
    ))
}

/// Looks at a keyboard-mode scan as received and says if it looks garbled by a layout: Cyrillic
/// letters, a bracket replaced by a local letter where the AIM id should be, or GS shown as text.
pub fn looks_garbled(received: &str) -> Option<String> {
    if received
        .chars()
        .any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
    {
        return Some("the scan contains Cyrillic letters: the keyboard layout is not US. Switch the layout or use USB serial mode".to_string());
    }
    let mut chars = received.chars();
    if let (Some(first), Some(code)) = (chars.next(), chars.next()) {
        if matches!(
            first,
            'đ' | 'Đ' | 'ž' | 'š' | 'ç' | 'ț' | 'ș' | 'ă' | 'î' | 'â'
        ) && code.is_ascii_alphabetic()
        {
            return Some(format!("the scan starts with '{first}{code}' where an AIM identifier ']{code}' is expected: the keyboard layout replaced ']'. Switch the layout or use USB serial mode"));
        }
    }
    None
}
