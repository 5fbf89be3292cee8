//! The registry's Ed25519 key. The private key lives in one file (default
//! `$HOME/.local/share/custody-registry/registry.key`, or `--key-file` /
//! `CUSTODY_REGISTRY_KEY_FILE`), created on first use with mode 0600: line 1
//! `custody-registry-secret-key-v1`, line 2 the 32-byte seed in hex. It is never in PostgreSQL,
//! so a database dump or replica cannot sign cosignatures.

use anyhow::{bail, Context, Result};
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};

const HEADER: &str = "custody-registry-secret-key-v1";

pub fn default_key_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("custody-registry").join("registry.key")
}

/// Loads the key, or creates it (mode 0600) when the file does not exist yet.
pub fn load_or_create(path: &Path) -> Result<SigningKey> {
    if path.exists() {
        return load(path);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let key = SigningKey::generate(&mut rand_core::OsRng);
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the registry key {}", path.display()))?;
    writeln!(file, "{HEADER}\n{}", hex::encode(key.to_bytes()))?;
    file.sync_all()?;
    Ok(key)
}

pub fn load(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the registry key {}", path.display()))?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        bail!("{} is not a registry key file", path.display());
    }
    let seed: [u8; 32] = lines
        .next()
        .and_then(|l| hex::decode(l.trim()).ok())
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{}: the key line is damaged", path.display()))?;
    Ok(SigningKey::from_bytes(&seed))
}
