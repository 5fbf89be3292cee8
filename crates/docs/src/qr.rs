//! QR symbols for the seal, as a module grid the renderer draws as vector squares.

use rxing::qrcode::common::ErrorCorrectionLevel;
use rxing::qrcode::encoder;

use crate::error::DocumentError;

/// A QR symbol without its quiet zone; `dark[y * size + x]`.
#[derive(Debug, Clone)]
pub struct QrGrid {
    pub version: u32,
    pub size: usize,
    pub dark: Vec<bool>,
}

/// ECC level M: 15 % of the symbol can be lost to creases or stamps and it still reads,
/// while a full seal stays at version 10 or below.
pub fn encode(text: &str) -> Result<QrGrid, DocumentError> {
    let code = encoder::qrcode_encoder::encode(text, ErrorCorrectionLevel::M)
        .map_err(|e| DocumentError::Pdf(format!("QR encoding failed: {e}")))?;
    let version = code
        .getVersion()
        .as_ref()
        .map(|v| v.getVersionNumber())
        .unwrap_or(0);
    let matrix = code
        .getMatrix()
        .as_ref()
        .ok_or_else(|| DocumentError::Pdf("QR encoder returned no matrix".into()))?;
    let size = matrix.getWidth() as usize;
    let mut dark = Vec::with_capacity(size * size);
    for y in 0..size {
        for x in 0..size {
            dark.push(matrix.get(x as u32, y as u32) == 1);
        }
    }
    Ok(QrGrid {
        version,
        size,
        dark,
    })
}
