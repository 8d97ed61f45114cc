//! The token signing keys file: read it, or create it on first start of the
//! embedded mode (owner-only permissions: it holds secrets).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use miroir_auth::Keys;

pub fn load(path: &Path) -> anyhow::Result<Keys> {
    let contents = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the signing keys file {}", path.display()))?;
    Keys::from_file_contents(&contents).with_context(|| format!("invalid signing keys file {}", path.display()))
}

pub fn load_or_create(path: &Path) -> anyhow::Result<Keys> {
    if path.exists() {
        return load(path);
    }
    let keys = Keys::generate()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(keys.to_file_contents().as_bytes())?;
    file.sync_all()?;
    tracing::info!(path = %path.display(), "created token signing keys");
    Ok(keys)
}
