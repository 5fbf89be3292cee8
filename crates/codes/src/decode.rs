//! Reading codes back from images (label proofs, photos of serial plates, PDF renders) with
//! rxing. Decoding runs in a worker thread under a time limit because some images make rxing's
//! TryHarder search run for a very long time.

use std::sync::mpsc;
use std::time::Duration;

use rxing::{
    BarcodeFormat, DecodeHints, RXingResult, RXingResultMetadataType, RXingResultMetadataValue,
};
use serde::Serialize;

use crate::escape::Aim;

/// Symbologies searched for one by one when the multi-symbol reader did not report them.
const SECOND_PASS: [BarcodeFormat; 4] = [
    BarcodeFormat::CODE_128,
    BarcodeFormat::DATA_MATRIX,
    BarcodeFormat::QR_CODE,
    BarcodeFormat::CODE_39,
];

/// One code found in an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// `code128`, `datamatrix`, `qr`, ... (lower-case rxing format names).
    pub symbology: String,
    /// The AIM symbology identifier rxing reported (e.g. `]C1` for GS1-128), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aim: Option<String>,
    /// The decoded text, without the AIM identifier.
    pub text: String,
    /// The same data as bytes (GS and RS stay in place), ready for [`crate::classify`].
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl Decoded {
    /// The AIM identifier as a typed value, for [`crate::classify`].
    pub fn aim(&self) -> Option<Aim> {
        self.aim.as_deref().and_then(|a| Aim::split(a.as_bytes()).0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the image could not be read as PNG: {0}")]
    BadImage(String),
    #[error("the image is empty or its size does not match its pixel buffer ({width}x{height}, {len} bytes)")]
    BadBuffer { width: u32, height: u32, len: usize },
    #[error("decoding took longer than {0:?} and was abandoned; try a sharper, closer, better-lit image")]
    Timeout(Duration),
    #[error("the decoder stopped unexpectedly: {0}")]
    Decoder(String),
}

/// Decodes every code in a PNG image.
pub fn decode_image(png: &[u8], time_limit: Duration) -> Result<Vec<Decoded>, DecodeError> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| DecodeError::BadImage(e.to_string()))?
        .into_luma8();
    let (width, height) = img.dimensions();
    decode_luma(img.into_raw(), width, height, time_limit)
}

/// Decodes every code in an 8-bit grey image (row-major, one byte per pixel).
pub fn decode_luma(
    luma: Vec<u8>,
    width: u32,
    height: u32,
    time_limit: Duration,
) -> Result<Vec<Decoded>, DecodeError> {
    if width == 0 || height == 0 || luma.len() != width as usize * height as usize {
        return Err(DecodeError::BadBuffer {
            width,
            height,
            len: luma.len(),
        });
    }
    let (tx, rx) = mpsc::channel();
    // The worker is detached on timeout: rxing cannot be interrupted, so it finishes on its own.
    std::thread::Builder::new()
        .name("custody-decode".into())
        .spawn(move || {
            let mut hints = DecodeHints {
                TryHarder: Some(true),
                // Keeps GS1-128 separators as GS and marks the data with ]C1.
                AssumeGs1: Some(true),
                ..Default::default()
            };
            let found = rxing::helpers::detect_multiple_in_luma_with_hints(
                luma.clone(),
                width,
                height,
                &mut hints,
            );
            let mut results = match found {
                Ok(r) => r,
                Err(rxing::Exceptions::NotFoundException(_)) => Vec::new(),
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            // The multi reader often stops after the first symbol on a label; look again for
            // each symbology Custody and IUID marks use that it has not reported.
            for format in SECOND_PASS {
                if results.iter().any(|r| r.getBarcodeFormat() == &format) {
                    continue;
                }
                let mut hints = hints.clone();
                if let Ok(r) = rxing::helpers::detect_in_luma_with_hints(
                    luma.clone(),
                    width,
                    height,
                    Some(format),
                    &mut hints,
                ) {
                    results.push(r);
                }
            }
            let _ = tx.send(Ok(results));
        })
        .map_err(|e| DecodeError::Decoder(e.to_string()))?;
    match rx.recv_timeout(time_limit) {
        Ok(Ok(results)) => Ok(dedupe(results.iter().map(to_decoded).collect())),
        // rxing reports "nothing found" as an error; for us that is an empty list.
        Ok(Err(rxing::Exceptions::NotFoundException(_))) => Ok(Vec::new()),
        Ok(Err(e)) => match e {
            rxing::Exceptions::ChecksumException(_) | rxing::Exceptions::FormatException(_) => {
                Ok(Vec::new())
            }
            other => Err(DecodeError::Decoder(other.to_string())),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => Err(DecodeError::Timeout(time_limit)),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(DecodeError::Decoder("the decoding thread panicked".into()))
        }
    }
}

fn dedupe(mut found: Vec<Decoded>) -> Vec<Decoded> {
    let mut seen = std::collections::HashSet::new();
    found.retain(|d| seen.insert((d.symbology.clone(), d.text.clone())));
    found
}

fn symbology_name(format: &BarcodeFormat) -> String {
    match format {
        BarcodeFormat::CODE_128 => "code128".into(),
        BarcodeFormat::DATA_MATRIX => "datamatrix".into(),
        BarcodeFormat::QR_CODE => "qr".into(),
        BarcodeFormat::CODE_39 => "code39".into(),
        BarcodeFormat::CODE_93 => "code93".into(),
        BarcodeFormat::EAN_13 => "ean13".into(),
        BarcodeFormat::EAN_8 => "ean8".into(),
        BarcodeFormat::UPC_A => "upca".into(),
        BarcodeFormat::UPC_E => "upce".into(),
        BarcodeFormat::ITF => "itf".into(),
        BarcodeFormat::PDF_417 => "pdf417".into(),
        BarcodeFormat::AZTEC => "aztec".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn to_decoded(r: &RXingResult) -> Decoded {
    let aim = r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::SYMBOLOGY_IDENTIFIER)
        .and_then(|v| match v {
            RXingResultMetadataValue::SymbologyIdentifier(s) => Some(s.clone()),
            _ => None,
        });
    let mut text = r.getText().to_string();
    if let Some(a) = &aim {
        if let Some(rest) = text.strip_prefix(a.as_str()) {
            text = rest.to_string();
        }
    }
    Decoded {
        symbology: symbology_name(r.getBarcodeFormat()),
        aim,
        bytes: text.as_bytes().to_vec(),
        text,
    }
}
