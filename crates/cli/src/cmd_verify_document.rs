//! `custody verify-document`: check a certificate, manifest or stocktake report offline from the
//! PDF itself, a photo or scan of a page, or the QR text, against the site keys this ledger
//! trusts. Says plainly what the check proves and what it cannot.

use crate::session::Context;
use anyhow::{bail, Context as _, Result};
use clap::Args;
use custody_docs::{verify_image, verify_pdf, verify_qr_text, KeyId, Verification};
use ed25519_dalek::VerifyingKey;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct VerifyDocumentArgs {
    /// A PDF issued by Custody, or a PNG photo/scan of one of its pages
    file: Option<PathBuf>,
    /// The text of the QR seal, as a phone or scanner read it (instead of a file)
    #[arg(long, conflicts_with = "file")]
    qr: Option<String>,
}

/// The keys a document may be signed with: this site's own, plus keys imported as trusted.
fn trusted_keys(ctx: &Context) -> Result<Vec<(KeyId, VerifyingKey)>> {
    let ledger = ctx.open()?;
    let mut keys = Vec::new();
    for hex in ledger.trusted_public_keys()? {
        let key = custody_core::keys::parse_public_key(&hex)
            .with_context(|| format!("stored key {hex} is not an Ed25519 key"))?;
        keys.push((KeyId::of(&key), key));
    }
    Ok(keys)
}

pub fn run(ctx: &Context, args: VerifyDocumentArgs) -> Result<ExitCode> {
    let keys = trusted_keys(ctx)?;
    let outcome: Result<Verification, String> = match (&args.qr, &args.file) {
        (Some(text), _) => verify_qr_text(text, &keys).map_err(|e| e.to_string()),
        (None, Some(path)) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            if bytes.starts_with(b"%PDF") {
                verify_pdf(&bytes, &keys).map_err(|e| e.to_string())
            } else if bytes.starts_with(b"\x89PNG") {
                verify_image(&bytes, &keys).map_err(|e| e.to_string())
            } else {
                bail!("{} is neither a PDF nor a PNG image", path.display());
            }
        }
        (None, None) => bail!("give a PDF or PNG file, or --qr with the seal text"),
    };
    match outcome {
        Ok(v) => {
            print!("{v}");
            Ok(ExitCode::SUCCESS)
        }
        Err(reason) => {
            println!("NOT VERIFIED: {reason}");
            println!("Do not rely on this document until the issuing site confirms it.");
            Ok(ExitCode::from(1))
        }
    }
}
