//! Checking a document from what a verifier holds: the seal text, a photo or scan of the QR,
//! or the PDF file itself (whose embedded sealed list is rehashed, see SEAL.md).

use ed25519_dalek::VerifyingKey;

use crate::error::{DocumentError, SealError};
use crate::seal::{KeyId, Seal, Verification, SEAL_PREFIX};

const LIST_MARKER: &[u8] = b"CUSTODY-LIST:1:";

/// Wraps the canonical list for embedding: `CUSTODY-LIST:1:<byte length>LF` then the bytes,
/// so a reader finds it in the raw PDF without a PDF parser.
pub(crate) fn frame_list(canonical: &[u8]) -> Vec<u8> {
    let mut out = format!("CUSTODY-LIST:1:{}\n", canonical.len()).into_bytes();
    out.extend_from_slice(canonical);
    out
}

/// A seal typed in or read from a QR code by a scanner.
pub fn verify_qr_text(
    text: &str,
    trusted: &[(KeyId, VerifyingKey)],
) -> Result<Verification, SealError> {
    Seal::parse(text)?.verify(trusted)
}

/// A Custody PDF: checks the embedded seal and rehashes the embedded sealed item list.
pub fn verify_pdf(
    pdf: &[u8],
    trusted: &[(KeyId, VerifyingKey)],
) -> Result<Verification, DocumentError> {
    let text = find_seal_text(pdf)?;
    let verification = Seal::parse(&text)?.verify(trusted)?;
    let list = find_list(pdf)?;
    Ok(verification.recheck_canonical(list)?)
}

/// Only the embedded seal text, without rehashing; for tools that want to show it.
pub fn seal_text_in_pdf(pdf: &[u8]) -> Result<String, DocumentError> {
    find_seal_text(pdf)
}

/// A PNG scan or photo holding the seal QR code.
pub fn verify_image(
    png: &[u8],
    trusted: &[(KeyId, VerifyingKey)],
) -> Result<Verification, DocumentError> {
    let text = read_qr(png)?;
    Ok(verify_qr_text(&text, trusted)?)
}

/// Decodes the first QR code in a PNG image.
pub fn read_qr(png: &[u8]) -> Result<String, DocumentError> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| DocumentError::Image(e.to_string()))?
        .to_luma8();
    let (w, h) = img.dimensions();
    let luma = img.into_raw();
    // The decoder is a large port; a malformed photo must not bring the kiosk down.
    let result = std::panic::catch_unwind(move || {
        rxing::helpers::detect_in_luma(luma, w, h, Some(rxing::BarcodeFormat::QR_CODE))
    });
    match result {
        Ok(Ok(found)) => Ok(found.getText().to_string()),
        _ => Err(DocumentError::NoQrCode),
    }
}

fn is_seal_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b':' | b'.' | b'+' | b'-' | b'/')
}

fn find_seal_text(pdf: &[u8]) -> Result<String, DocumentError> {
    let prefix = &SEAL_PREFIX.as_bytes()[..13]; // "CUSTODY-SEAL:" without the version
    let mut found: Option<&[u8]> = None;
    for start in find_all(pdf, prefix) {
        let len = pdf[start..]
            .iter()
            .take_while(|&&b| is_seal_char(b))
            .count();
        let text = &pdf[start..start + len];
        match found {
            None => found = Some(text),
            Some(earlier) if earlier == text => {}
            Some(_) => return Err(DocumentError::ConflictingSeals),
        }
    }
    let text = found.ok_or(DocumentError::NoSealInPdf)?;
    Ok(String::from_utf8_lossy(text).into_owned())
}

fn find_list(pdf: &[u8]) -> Result<&[u8], DocumentError> {
    let mut found: Option<&[u8]> = None;
    for start in find_all(pdf, LIST_MARKER) {
        let rest = &pdf[start + LIST_MARKER.len()..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let len: usize = std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| DocumentError::DamagedAnnex("its length is unreadable".into()))?;
        if rest.get(digits) != Some(&b'\n') {
            return Err(DocumentError::DamagedAnnex(
                "its header line is broken".into(),
            ));
        }
        let body = rest
            .get(digits + 1..digits + 1 + len)
            .ok_or_else(|| DocumentError::DamagedAnnex("it is cut short".into()))?;
        match found {
            None => found = Some(body),
            Some(earlier) if earlier == body => {}
            Some(_) => {
                return Err(DocumentError::DamagedAnnex(
                    "there are two different lists".into(),
                ))
            }
        }
    }
    found.ok_or_else(|| DocumentError::DamagedAnnex("the PDF holds no sealed item list".into()))
}

fn find_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}
