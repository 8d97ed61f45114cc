//! Compiles `proto/` with `protox` (pure Rust) so no system `protoc` is needed.
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Canonical (no `..`), so that cargo's change tracking compares the paths it stats.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto").canonicalize()?;
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    collect(&root, &mut files, &mut dirs)?;
    files.sort();
    let fds = protox::compile(&files, [&root])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptor_path = out.join("miroir_descriptor.bin");
    std::fs::write(&descriptor_path, prost::Message::encode_to_vec(&fds))?;
    tonic_prost_build::configure()
        .file_descriptor_set_path(&descriptor_path)
        .skip_protoc_run()
        // A malformed request is INVALID_ARGUMENT, not prost's INTERNAL (src/codec.rs).
        .codec_path("crate::codec::Codec")
        // `prost::Name` on every message: events are stored under their full protobuf name.
        .compile_fds_with_config(fds, {
            let mut config = tonic_prost_build::Config::new();
            config.enable_type_names();
            config
        })?;
    // Each folder (its time changes when a file is added or removed in it, not
    // in its subfolders) and each file (an edited contract must rebuild).
    for dir in &dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    Ok(())
}

fn collect(dir: &std::path::Path, files: &mut Vec<PathBuf>, dirs: &mut Vec<PathBuf>) -> std::io::Result<()> {
    dirs.push(dir.to_path_buf());
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files, dirs)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            files.push(path);
        }
    }
    Ok(())
}
