//! Typed errors. Each message says what is wrong and what the person can do about it.

use thiserror::Error;

use crate::seal::{DocumentKind, KeyId};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SealError {
    #[error("this text is not a Custody seal (it must begin with \"CUSTODY-SEAL:\"); scan the QR code in the seal box of the document")]
    NotASeal,
    #[error("seal format version {0:?} is not known to this program; update Custody to verify it")]
    UnsupportedVersion(String),
    #[error("the seal is damaged: its {field} {problem}; rescan the QR code or retype the seal text exactly as printed")]
    Malformed {
        field: &'static str,
        problem: String,
    },
    #[error("document id {0:?} cannot go into a seal: use 1 to 32 characters from A-Z, 0-9, '-' and '/'")]
    BadDocumentId(String),
    #[error("item {code:?} cannot be sealed: {problem}; correct the record in the ledger and issue the document again")]
    BadItem { code: String, problem: String },
    #[error("a {kind} seal carries {expected} count(s), not {found}; this is a program error, report it")]
    WrongCounts {
        kind: DocumentKind,
        expected: usize,
        found: usize,
    },
    #[error("the seal was made with site key {0}, which is not in your list of trusted site keys; obtain that site's public key through an official channel and add it, then verify again")]
    UnknownKey(KeyId),
    #[error(
        "the trusted key listed under id {listed} really has id {actual}; fix the trusted key list"
    )]
    MislabelledKey { listed: KeyId, actual: KeyId },
    #[error("the signature does not match the seal contents: the seal was altered, misread, or not made by site key {0}; treat this document as NOT verified")]
    BadSignature(KeyId),
    #[error("the item list does not match the seal: {detail}; at least one custody code or serial was changed, added or removed after sealing, so treat this document as NOT verified")]
    ItemListMismatch { detail: String },
}

#[derive(Debug, Error)]
pub enum DocumentError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the seal given does not belong to this document: {0}; sign a seal from this document's own fields")]
    SealDoesNotMatch(String),
    #[error("the document has {0} witness(es); a destruction certificate needs at least two, so add the missing witnesses before printing")]
    TooFewWitnesses(usize),
    #[error("the PDF could not be written: {0}; this is a program error, report it with the document id")]
    Pdf(String),
    #[error("no Custody seal was found inside this PDF; it was not made by Custody or was re-saved by another program, so scan the printed QR code instead")]
    NoSealInPdf,
    #[error("this PDF carries two different seals; it has been edited, treat it as NOT verified")]
    ConflictingSeals,
    #[error("the PDF's embedded item list is damaged ({0}); treat it as NOT verified and check the QR code against the ledger")]
    DamagedAnnex(String),
    #[error("the image could not be read ({0}); provide a PNG scan or photo of the seal")]
    Image(String),
    #[error("no QR code could be read in the image; rescan at 200 dpi or more with the seal box flat and in focus")]
    NoQrCode,
    #[error("the {what} could not be written: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
}
