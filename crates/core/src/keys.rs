//! The site's Ed25519 key and the checkpoint notes it signs.
//!
//! The private key lives in a file beside the ledger (`<ledger>.key`, mode 0600); the public key
//! is written into the first event, so every verifier learns it from the log itself.

use crate::error::{CustodyError, Result};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const KEY_FILE_HEADER: &str = "custody-site-key-v1";

pub struct SiteKey {
    signing: SigningKey,
}

/// Key id: the first 8 bytes of SHA-256 of the public key, as 16 hex digits.
pub fn key_id(public: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(public.as_bytes())[..8])
}

pub fn key_path_for(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

impl SiteKey {
    pub fn generate() -> SiteKey {
        SiteKey {
            signing: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    pub fn from_seed(seed: [u8; 32]) -> SiteKey {
        SiteKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    pub fn key_id(&self) -> String {
        key_id(&self.public())
    }

    /// The secret mixed into every PIN hash (Argon2id's secret input). Derived from the key
    /// with its own label, so it says nothing about the signing key and needs no file of its
    /// own; a ledger copied without its key file cracks nothing.
    pub fn pin_pepper(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"custody-pin-pepper/v1\n");
        h.update(self.signing.to_bytes());
        h.finalize().into()
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// Writes the key file, readable by its owner only. Refuses to overwrite.
    pub fn save(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| CustodyError::SiteKey {
            path: path.display().to_string(),
            reason: format!("cannot create: {e}"),
        })?;
        writeln!(
            file,
            "{KEY_FILE_HEADER}\n{}",
            hex::encode(self.signing.to_bytes())
        )?;
        file.sync_all()?;
        Ok(())
    }

    pub fn load(path: &Path) -> Result<SiteKey> {
        let err = |reason: String| CustodyError::SiteKey {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            err(format!(
                "cannot read ({e}); restore it from the site's key backup"
            ))
        })?;
        let mut lines = text.lines();
        if lines.next() != Some(KEY_FILE_HEADER) {
            return Err(err("not a Custody site key file".into()));
        }
        let seed: [u8; 32] = lines
            .next()
            .and_then(|l| hex::decode(l.trim()).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| err("key line is damaged".into()))?;
        Ok(SiteKey::from_seed(seed))
    }
}

/// The text a checkpoint signature covers (docs/ledger-format.md, "Checkpoints").
pub fn checkpoint_note(site_id: &str, covered_seq: i64, head_hash: &str, time: &str) -> String {
    format!(
        "custody-checkpoint/v1\nsite {site_id}\nseq {covered_seq}\nhead {head_hash}\ntime {time}\n"
    )
}

/// The text a break-glass recovery's signature covers (docs/SECURITY.md).
pub fn break_glass_note(
    site_id: &str,
    person_id: &str,
    credential_digest: &str,
    time: &str,
) -> String {
    format!(
        "custody-break-glass/v1\nsite {site_id}\nperson {person_id}\ncredential {credential_digest}\ntime {time}\n"
    )
}

pub fn parse_public_key(hex_text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_text).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

pub fn verify_signature(public: &VerifyingKey, message: &[u8], signature_hex: &str) -> bool {
    let Some(bytes) = hex::decode(signature_hex)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    public
        .verify(message, &Signature::from_bytes(&bytes))
        .is_ok()
}
