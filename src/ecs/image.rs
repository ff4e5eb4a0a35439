//! Container images as OCI describes them: content-addressed layers (sha256 digests), a manifest
//! whose digest names the image, tags as movable pointers, a tiny build spec (FROM, COPY, RUN with
//! declared sizes, plus metadata lines), and save/load to an archive value.
//!
//! Layer content is not real bytes: a layer's digest is the sha256 of a deterministic description
//! (its parent chain, the instruction, the declared size), so the same build gives the same
//! digests everywhere and identical prefixes of two builds share layers, as Docker's build cache
//! makes them. It does no I/O; an archive is a value, not a tar file.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// `sha256:<64 hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Digest(pub String);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        let h = Sha256::digest(bytes);
        let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
        Digest(format!("sha256:{hex}"))
    }
    /// The first 12 hex digits, as `docker images` shows them.
    pub fn short(&self) -> &str {
        let hex = self.0.strip_prefix("sha256:").unwrap_or(&self.0);
        &hex[..hex.len().min(12)]
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";

/// A read-only filesystem layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    pub digest: Digest,
    pub size: u64,
    pub created_by: String,
}

/// An OCI descriptor inside a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
}

/// The image manifest; its serialisation is canonical (fixed field order), so its digest is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub schema_version: u32,
    pub media_type: String,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

impl Manifest {
    pub fn digest(&self) -> Digest {
        Digest::of(
            serde_json::to_string(self)
                .expect("a manifest always serialises")
                .as_bytes(),
        )
    }
    /// Bytes a full pull moves: every layer (the config is tiny and ignored).
    pub fn total_size(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }
}

/// An image: its manifest, its layers and its runtime configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub manifest: Manifest,
    pub layers: Vec<Layer>,
    pub env: Vec<String>,
    pub cmd: Option<String>,
    pub exposed_ports: Vec<u16>,
}

impl Image {
    pub fn digest(&self) -> Digest {
        self.manifest.digest()
    }
    fn assemble(layers: Vec<Layer>, env: Vec<String>, cmd: Option<String>, exposed_ports: Vec<u16>) -> Image {
        let config_text = format!(
            "env={env:?} cmd={cmd:?} ports={exposed_ports:?} layers={:?}",
            layers.iter().map(|l| &l.digest.0).collect::<Vec<_>>()
        );
        let config = Descriptor {
            media_type: CONFIG_MEDIA_TYPE.into(),
            digest: Digest::of(config_text.as_bytes()),
            size: config_text.len() as u64,
        };
        let manifest = Manifest {
            schema_version: 2,
            media_type: MANIFEST_MEDIA_TYPE.into(),
            config,
            layers: layers
                .iter()
                .map(|l| Descriptor {
                    media_type: LAYER_MEDIA_TYPE.into(),
                    digest: l.digest.clone(),
                    size: l.size,
                })
                .collect(),
        };
        Image {
            manifest,
            layers,
            env,
            cmd,
            exposed_ports,
        }
    }
}

/// A base image the build spec may start FROM without building it: (name, layer sizes in bytes).
pub const BASE_IMAGES: &[(&str, &[u64])] = &[
    ("scratch", &[]),
    ("alpine:3.19", &[3_400_000]),
    ("debian:bookworm-slim", &[28_000_000]),
    ("ubuntu:24.04", &[29_700_000]),
    ("python:3.12-slim", &[28_000_000, 3_500_000, 12_000_000, 250]),
    ("node:20-alpine", &[3_400_000, 40_000_000, 1_300_000, 450]),
    ("amazonlinux:2023", &[52_000_000]),
];

/// Looks a base image up; its layers' digests derive from its name only.
pub fn base_image(name: &str) -> Option<Image> {
    let (_, sizes) = BASE_IMAGES.iter().find(|(n, _)| *n == name)?;
    let layers = sizes
        .iter()
        .enumerate()
        .map(|(k, size)| Layer {
            digest: Digest::of(format!("base {name} layer {k} size {size}").as_bytes()),
            size: *size,
            created_by: format!("{name} layer {k}"),
        })
        .collect();
    Some(Image::assemble(layers, vec![], None, vec![]))
}

/// A build-spec error at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub line: u32,
    pub message: String,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses `12MB`, `300KB`, `5B`, `1.5GB` (decimal units, as registries report sizes).
pub fn parse_size(s: &str) -> Option<u64> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok()?;
    let mult = match unit {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    Some((n * mult).round() as u64)
}

/// Builds an image from a spec. `FROM` names a base image or an image already in `store`; every
/// `COPY` and `RUN` line ends with its declared size (`COPY app/ /app 12MB`) and adds one layer;
/// `ENV`, `CMD`, `EXPOSE` and `WORKDIR` only change the configuration.
pub fn build(spec: &str, store: &ImageStore) -> Result<Image, BuildError> {
    let mut base: Option<Image> = None;
    let mut layers: Vec<Layer> = vec![];
    let (mut env, mut cmd, mut ports) = (vec![], None, vec![]);
    for (k, raw) in spec.lines().enumerate() {
        let line = k as u32 + 1;
        let err = |message: String| BuildError { line, message };
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let rest = rest.trim();
        match word.to_ascii_uppercase().as_str() {
            "FROM" => {
                if base.is_some() {
                    return Err(err(
                        "only one FROM is supported (no multi-stage builds here)".into()
                    ));
                }
                let img = store
                    .get(rest)
                    .cloned()
                    .or_else(|| base_image(rest))
                    .ok_or_else(|| {
                        let names: Vec<&str> = BASE_IMAGES.iter().map(|(n, _)| *n).collect();
                        err(format!(
                            "unknown base image \"{rest}\" (expected one of: {}, or an image built before)",
                            names.join(", ")
                        ))
                    })?;
                layers = img.layers.clone();
                env = img.env.clone();
                cmd = img.cmd.clone();
                ports = img.exposed_ports.clone();
                base = Some(img);
            }
            "COPY" | "RUN" | "ADD" => {
                if base.is_none() {
                    return Err(err(format!("{word} before FROM")));
                }
                let (body, size) = rest.rsplit_once(char::is_whitespace).unwrap_or(("", rest));
                let size = parse_size(size).ok_or_else(|| {
                    err(format!(
                        "{word} needs a declared size at the end, e.g. \"{word} {rest} 12MB\""
                    ))
                })?;
                let created_by = format!("{} {}", word.to_ascii_uppercase(), body.trim());
                // Chain the parent so identical prefixes share layers and identical steps on
                // different bases do not.
                let parent = layers.last().map_or("", |l| l.digest.0.as_str());
                let digest = Digest::of(format!("{parent}\n{created_by}\n{size}").as_bytes());
                layers.push(Layer {
                    digest,
                    size,
                    created_by,
                });
            }
            "ENV" => env.push(rest.to_string()),
            "CMD" | "ENTRYPOINT" => cmd = Some(rest.to_string()),
            "EXPOSE" => ports.push(
                rest.trim_end_matches("/tcp")
                    .parse()
                    .map_err(|_| err(format!("invalid port \"{rest}\"")))?,
            ),
            "WORKDIR" | "USER" | "LABEL" => {}
            other => {
                return Err(err(format!(
                    "unknown instruction \"{other}\" (expected one of: FROM, COPY, ADD, RUN, ENV, CMD, ENTRYPOINT, EXPOSE, WORKDIR, USER, LABEL)"
                )));
            }
        }
    }
    if base.is_none() {
        return Err(BuildError {
            line: 1,
            message: "a build spec starts with FROM".into(),
        });
    }
    Ok(Image::assemble(layers, env, cmd, ports))
}

/// A local image store (what `docker images` lists): images by digest, tags pointing at them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageStore {
    images: BTreeMap<Digest, Image>,
    tags: BTreeMap<String, Digest>,
}

/// `docker save` output as a value: the images, their layers once each, and their tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Archive {
    pub images: Vec<Image>,
    pub repo_tags: BTreeMap<String, Digest>,
}

impl Archive {
    /// Distinct layer bytes in the archive: a layer shared by two images is stored once.
    pub fn size(&self) -> u64 {
        let mut seen = BTreeSet::new();
        self.images
            .iter()
            .flat_map(|i| &i.layers)
            .filter(|l| seen.insert(l.digest.clone()))
            .map(|l| l.size)
            .sum()
    }
}

/// Normalises `name` to `name:latest` when it has no tag or digest.
pub fn normalize(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    if last.contains(':') || last.contains('@') {
        reference.to_string()
    } else {
        format!("{reference}:latest")
    }
}

impl ImageStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an image and points `tag` at it (moving the tag if it pointed elsewhere).
    pub fn insert(&mut self, tag: &str, image: Image) -> Digest {
        let d = image.digest();
        self.images.insert(d.clone(), image);
        self.tags.insert(normalize(tag), d.clone());
        d
    }
    /// By `name:tag` or by `sha256:…` digest.
    pub fn get(&self, reference: &str) -> Option<&Image> {
        let d = if reference.starts_with("sha256:") {
            Digest(reference.to_string())
        } else {
            self.tags.get(&normalize(reference))?.clone()
        };
        self.images.get(&d)
    }
    pub fn tags(&self) -> &BTreeMap<String, Digest> {
        &self.tags
    }
    pub fn has_layer(&self, d: &Digest) -> bool {
        self.images
            .values()
            .any(|i| i.layers.iter().any(|l| &l.digest == d))
    }
    /// Distinct layer bytes on disk.
    pub fn disk_usage(&self) -> u64 {
        let mut seen = BTreeSet::new();
        self.images
            .values()
            .flat_map(|i| &i.layers)
            .filter(|l| seen.insert(l.digest.clone()))
            .map(|l| l.size)
            .sum()
    }
    /// `docker save`: the named images with all their layers and tags.
    pub fn save(&self, references: &[&str]) -> Result<Archive, String> {
        let mut images = vec![];
        let mut repo_tags = BTreeMap::new();
        for r in references {
            let img = self
                .get(r)
                .ok_or_else(|| format!("Error response from daemon: No such image: {r}"))?;
            let d = img.digest();
            for (t, td) in &self.tags {
                if *td == d {
                    repo_tags.insert(t.clone(), d.clone());
                }
            }
            if !images.iter().any(|i: &Image| i.digest() == d) {
                images.push(img.clone());
            }
        }
        Ok(Archive { images, repo_tags })
    }
    /// `docker load`: restores images and their tags; returns the tags loaded.
    pub fn load(&mut self, archive: &Archive) -> Vec<String> {
        for img in &archive.images {
            self.images.insert(img.digest(), img.clone());
        }
        for (t, d) in &archive.repo_tags {
            self.tags.insert(t.clone(), d.clone());
        }
        archive.repo_tags.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt . 1KB\nRUN pip install -r requirements.txt 45MB\nCOPY . . 2MB\nCMD python app.py\n";

    #[test]
    fn builds_are_reproducible_and_share_their_common_prefix() {
        let store = ImageStore::new();
        let a = build(APP, &store).expect("valid");
        let b = build(APP, &store).expect("valid");
        assert_eq!(a.digest(), b.digest());
        let changed = build(&APP.replace("COPY . . 2MB", "COPY . . 3MB"), &store).expect("valid");
        assert_ne!(a.digest(), changed.digest());
        // Only the last layer differs: the others are shared and never pulled twice.
        let shared = a
            .layers
            .iter()
            .zip(&changed.layers)
            .filter(|(x, y)| x.digest == y.digest)
            .count();
        assert_eq!((a.layers.len(), shared), (7, 6));
        expect_test::expect![[r#"
            sha256:1c81e7f0af986727fa523570ab83f0f1c647a59a3ad82250bf0f56f77e812981
            c5d9082ce895 28000000 python:3.12-slim layer 0
            d7547edbf5ae 3500000 python:3.12-slim layer 1
            b33b7063c12a 12000000 python:3.12-slim layer 2
            c572b33af0b6 250 python:3.12-slim layer 3
            fb1949021cad 1000 COPY requirements.txt .
            165211064f5f 45000000 RUN pip install -r requirements.txt
            11fb5fec6328 2000000 COPY . .
        "#]]
        .assert_eq(&format!(
            "{}\n{}",
            a.digest(),
            a.layers
                .iter()
                .map(|l| format!("{} {} {}\n", l.digest.short(), l.size, l.created_by))
                .collect::<String>()
        ));
    }

    #[test]
    fn build_errors_name_the_line() {
        let store = ImageStore::new();
        let e = |s: &str| build(s, &store).expect_err("invalid").to_string();
        assert_eq!(e("RUN true 1B"), "line 1: RUN before FROM");
        assert!(e("FROM alpine:3.19\nRUN apk add curl").starts_with("line 2: RUN needs a declared size"));
        assert!(e("FROM windows:ltsc").contains("unknown base image"));
        assert!(e("FROM alpine:3.19\nHEALTHCHECK x").contains("unknown instruction \"HEALTHCHECK\""));
    }

    #[test]
    fn save_and_load_restore_images_and_tags() {
        let mut store = ImageStore::new();
        let img = build(APP, &store).expect("valid");
        let d = store.insert("app:1", img.clone());
        store.insert("app:stable", img);
        let archive = store.save(&["app:1"]).expect("present");
        assert_eq!(
            archive.repo_tags.keys().cloned().collect::<Vec<_>>(),
            ["app:1", "app:stable"]
        );
        let mut other = ImageStore::new();
        assert_eq!(other.load(&archive), ["app:1", "app:stable"]);
        assert_eq!(other.get("app:stable").map(Image::digest), Some(d.clone()));
        assert_eq!(other.get(&d.0).map(Image::digest), Some(d));
        assert!(store.save(&["nope"]).is_err());
    }
}
