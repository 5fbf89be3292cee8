//! Documents: destruction certificates, handover manifests, stocktake reports and item histories
//! as PDF/A-3b, CSV and JSON, each sealed with a signed QR code that anyone holding the site's
//! public key can check offline. This crate knows nothing of the ledger: it takes plain records.

mod documents;
mod error;
pub mod export;
mod hex;
pub mod lang;
mod layout;
pub mod model;
mod pdf;
pub mod qr;
pub mod seal;
mod verify;

pub use documents::RenderOptions;
pub use error::{DocumentError, SealError};
pub use lang::{Label, Language, Words};
pub use model::*;
pub use pdf::{JSON_FILE, LIST_FILE, SEAL_FILE};
pub use seal::{
    canonical_disposition, canonical_item_list, canonical_stocktake, item_list_digest, AnnexCheck,
    DocumentKind, KeyId, Seal, SealFields, Verification, SEAL_PREFIX,
};
pub use verify::{read_qr, seal_text_in_pdf, verify_image, verify_pdf, verify_qr_text};

/// Lower-case hex of a digest, as printed on documents.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
