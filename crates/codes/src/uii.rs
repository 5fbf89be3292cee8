//! MIL-STD-130 unique item identifiers (UII): builds the one UII string from the pieces an
//! ISO/IEC 15434 envelope (format 06 data identifiers, format 12 text elements) or GS1 data
//! (8004 GIAI, 8003 GRAI) carries, so a depot matches an item however it was marked.

use serde::Serialize;

use crate::gs1::Gs1Element;
use crate::iso15434::Envelope;

/// How the UII was put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UiiConstruct {
    /// Enterprise identifier + serial unique within the enterprise (18S, or EID + S).
    Construct1,
    /// Enterprise identifier + original part number (1P) or lot (1T) + serial (S).
    Construct2,
    /// The mark carries the whole UII (25S, or the UID text element).
    Whole,
    /// GS1 GIAI (AI 8004): the UII is the GIAI.
    Gs1Giai,
    /// GS1 GRAI with serial (AI 8003): the UII is the GRAI without its leading filler zero.
    Gs1Grai,
}

/// A unique item identifier and the pieces it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uii {
    /// The concatenated UII, as the DoD IUID registry keys it (e.g. `D0CVA5674A36458`).
    pub uii: String,
    pub construct: UiiConstruct,
    /// Issuing agency code: `D` (CAGE), `UN` (DUNS), `LD` (DoDAAC); empty when the data
    /// already starts with it (GS1 company prefix, 18V, 25S).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_agency: Option<String>,
    /// Enterprise identifier (CAGE, DUNS, DoDAAC, GS1 company prefix...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// Why no UII could be built although the data looked like an IUID mark.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UiiError {
    #[error("the mark has an enterprise identifier ({0}) but no serial number (S/SER); it is not a complete UII, record the item by hand")]
    NoSerial(String),
    #[error("the mark has a serial number but no enterprise identifier (17V, 12V, 3V, 7L, 18V or MFR/CAG); it is not a complete UII")]
    NoEnterprise,
}

/// (issuing agency code, enterprise id) for a format 06 enterprise data identifier.
fn enterprise_di(di: &str) -> Option<&'static str> {
    match di {
        "17V" => Some("D"),  // CAGE
        "12V" => Some("UN"), // DUNS
        "7L" => Some("LD"),  // DoDAAC
        "3V" => Some(""),    // GS1 company prefix: its first digit is the IAC
        "18V" => Some(""),   // IAC + EID already concatenated
        _ => None,
    }
}

fn enterprise_tei(tei: &str) -> Option<&'static str> {
    match tei {
        "MFR" | "CAG" | "SPL" => Some("D"),
        "DUN" => Some("UN"),
        _ => None,
    }
}

struct Pieces {
    iac: Option<&'static str>,
    eid: Option<String>,
    part: Option<String>,
    lot: Option<String>,
    serial: Option<String>,
}

fn assemble(p: Pieces) -> Result<Option<Uii>, UiiError> {
    let (Some(iac), Some(eid)) = (p.iac, p.eid.clone()) else {
        return if p.serial.is_some() && (p.part.is_some() || p.lot.is_some()) {
            Err(UiiError::NoEnterprise)
        } else {
            Ok(None)
        };
    };
    let Some(serial) = p.serial.clone() else {
        return Err(UiiError::NoSerial(eid));
    };
    let middle = p.part.clone().or(p.lot.clone());
    let construct = if middle.is_some() {
        UiiConstruct::Construct2
    } else {
        UiiConstruct::Construct1
    };
    Ok(Some(Uii {
        uii: format!("{iac}{eid}{}{serial}", middle.unwrap_or_default()),
        construct,
        issuing_agency: (!iac.is_empty()).then(|| iac.to_string()),
        enterprise_id: Some(eid),
        part_number: p.part,
        lot: p.lot,
        serial: Some(serial),
    }))
}

/// Builds the UII an envelope carries, if it carries one. `Ok(None)` means the envelope is
/// valid but is not an IUID mark (e.g. shipping data only).
pub fn uii_from_envelope(env: &Envelope) -> Result<Option<Uii>, UiiError> {
    let dis: Vec<_> = env.data_identifiers().collect();
    let di = |name: &str| dis.iter().find(|f| f.di == name).map(|f| f.value.clone());
    if let Some(whole) = di("25S") {
        return Ok(Some(Uii {
            uii: whole,
            construct: UiiConstruct::Whole,
            issuing_agency: None,
            enterprise_id: None,
            part_number: None,
            lot: None,
            serial: None,
        }));
    }
    if let Some(v) = di("18S") {
        // 18S is CAGE (five characters) + serial, so the UII is D + the value.
        let (cage, serial) = v.split_at(v.len().min(5));
        return Ok(Some(Uii {
            uii: format!("D{v}"),
            construct: UiiConstruct::Construct1,
            issuing_agency: Some("D".into()),
            enterprise_id: Some(cage.to_string()),
            part_number: None,
            lot: None,
            serial: (!serial.is_empty()).then(|| serial.to_string()),
        }));
    }
    if !dis.is_empty() {
        let enterprise = dis
            .iter()
            .find_map(|f| enterprise_di(&f.di).map(|iac| (iac, f.value.clone())));
        let found = assemble(Pieces {
            iac: enterprise.as_ref().map(|e| e.0),
            eid: enterprise.map(|e| e.1),
            part: di("1P"),
            lot: di("1T"),
            serial: di("S"),
        })?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let teis: Vec<_> = env.text_elements().collect();
    let tei = |name: &str| teis.iter().find(|f| f.tei == name).map(|f| f.value.clone());
    if let Some(whole) = tei("UID") {
        return Ok(Some(Uii {
            uii: whole,
            construct: UiiConstruct::Whole,
            issuing_agency: None,
            enterprise_id: None,
            part_number: None,
            lot: None,
            serial: None,
        }));
    }
    if !teis.is_empty() {
        let enterprise = teis
            .iter()
            .find_map(|f| enterprise_tei(&f.tei).map(|iac| (iac, f.value.clone())));
        let part = tei("PNO").or(tei("PNR"));
        let found = assemble(Pieces {
            iac: enterprise.as_ref().map(|e| e.0),
            eid: enterprise.map(|e| e.1),
            // SER is serial within the part number, SEQ within the enterprise (construct 1).
            serial: if part.is_some() {
                tei("SER")
            } else {
                tei("SEQ").or(tei("SER"))
            },
            part,
            lot: tei("LTN"),
        })?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let gs1: Vec<Gs1Element> = env.gs1_elements().cloned().collect();
    Ok(uii_from_gs1(&gs1))
}

/// The UII equivalent of GS1 data: GIAI (8004) or serialised GRAI (8003).
pub fn uii_from_gs1(elements: &[Gs1Element]) -> Option<Uii> {
    let get = |ai: &str| {
        elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.clone())
    };
    if let Some(giai) = get("8004") {
        return Some(Uii {
            uii: giai,
            construct: UiiConstruct::Gs1Giai,
            issuing_agency: None,
            enterprise_id: None,
            part_number: None,
            lot: None,
            serial: None,
        });
    }
    let grai = get("8003")?;
    // A GRAI is a UII only with its serial part; the first digit is a filler zero.
    if grai.len() <= 14 {
        return None;
    }
    let without_filler = grai.strip_prefix('0').unwrap_or(&grai).to_string();
    Some(Uii {
        uii: without_filler,
        construct: UiiConstruct::Gs1Grai,
        issuing_agency: None,
        enterprise_id: None,
        part_number: None,
        lot: None,
        serial: Some(grai[14..].to_string()),
    })
}
