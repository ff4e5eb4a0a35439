//! A registry like Amazon ECR: repositories with MUTABLE or IMMUTABLE tags, push and pull that
//! move only the layers the other side lacks (bytes counted), and lifecycle rules that expire
//! images. Error texts are ECR's and Docker's.
//!
//! It owns no clock: callers pass the simulated time of a push and of a lifecycle run. It does not
//! model authentication (`get-login-password`), replication or scanning.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::image::{Digest, Image, ImageStore};
use crate::sim::{SimDuration, SimTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TagMutability {
    #[default]
    Mutable,
    Immutable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountType {
    ImageCountMoreThan,
    SinceImagePushed,
}

/// One lifecycle policy rule (`rulePriority`, `selection`, `action: expire`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRule {
    pub priority: u32,
    pub tag_status: TagStatus,
    #[serde(default)]
    pub tag_prefixes: Vec<String>,
    pub count_type: CountType,
    /// Images for `image_count_more_than`, days for `since_image_pushed`.
    pub count: u32,
}

/// Checks a policy as ECR does when it is put.
pub fn validate_rules(rules: &[LifecycleRule]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    let max = rules.iter().map(|r| r.priority).max().unwrap_or(0);
    for r in rules {
        if !seen.insert(r.priority) {
            return Err(format!(
                "rulePriority {} is used twice (each rule needs a unique priority)",
                r.priority
            ));
        }
        if r.tag_status == TagStatus::Tagged && r.tag_prefixes.is_empty() {
            return Err(format!(
                "rule {}: tagStatus tagged needs tagPrefixList",
                r.priority
            ));
        }
        if r.tag_status == TagStatus::Any && r.priority != max {
            return Err(format!(
                "rule {}: a tagStatus any rule must have the highest rulePriority",
                r.priority
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredImage {
    pub image: Image,
    pub pushed_at: SimTime,
    pub tags: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Repository {
    pub name: String,
    pub mutability: TagMutability,
    pub images: BTreeMap<Digest, StoredImage>,
    pub lifecycle: Vec<LifecycleRule>,
}

/// What ECR and Docker answer when a push or pull cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    TagAlreadyExists { repository: String, tag: String },
    RepositoryNotFound(String),
    NotFound(String),
    NoSuchLocalImage(String),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::TagAlreadyExists { repository, tag } => write!(
                f,
                "ImageTagAlreadyExistsException: The image tag '{tag}' already exists in the '{repository}' repository and cannot be overwritten because the repository is immutable."
            ),
            RegistryError::RepositoryNotFound(r) => write!(
                f,
                "RepositoryNotFoundException: The repository with name '{r}' does not exist in the registry"
            ),
            RegistryError::NotFound(r) => {
                write!(
                    f,
                    "Error response from daemon: manifest for {r} not found: manifest unknown: Requested image not found"
                )
            }
            RegistryError::NoSuchLocalImage(r) => {
                write!(f, "An image does not exist locally with the tag: {r}")
            }
        }
    }
}

/// What a push or a pull moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub digest: Digest,
    pub layers_sent: u32,
    pub layers_skipped: u32,
    pub bytes: u64,
}

impl fmt::Display for Transfer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "digest={} layers moved={} already there={} bytes={}",
            self.digest, self.layers_sent, self.layers_skipped, self.bytes
        )
    }
}

/// A registry: repositories and the layer blobs they share (stored once per registry).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Registry {
    pub account: String,
    pub region: String,
    pub repositories: BTreeMap<String, Repository>,
}

impl Registry {
    pub fn new(account: &str, region: &str) -> Self {
        Registry {
            account: account.into(),
            region: region.into(),
            repositories: BTreeMap::new(),
        }
    }
    /// `<account>.dkr.ecr.<region>.amazonaws.com/<repo>`.
    pub fn uri(&self, repository: &str) -> String {
        format!(
            "{}.dkr.ecr.{}.amazonaws.com/{repository}",
            self.account, self.region
        )
    }
    pub fn create_repository(
        &mut self,
        name: &str,
        mutability: TagMutability,
        lifecycle: Vec<LifecycleRule>,
    ) -> Result<(), String> {
        validate_rules(&lifecycle)?;
        self.repositories.insert(
            name.into(),
            Repository {
                name: name.into(),
                mutability,
                images: BTreeMap::new(),
                lifecycle,
            },
        );
        Ok(())
    }
    fn has_blob(&self, d: &Digest) -> bool {
        self.repositories
            .values()
            .flat_map(|r| r.images.values())
            .any(|s| s.image.layers.iter().any(|l| &l.digest == d))
    }
    /// Bytes stored: each distinct layer once (ECR bills compressed storage per GB-month).
    pub fn stored_bytes(&self) -> u64 {
        let mut seen = BTreeSet::new();
        self.repositories
            .values()
            .flat_map(|r| r.images.values())
            .flat_map(|s| &s.image.layers)
            .filter(|l| seen.insert(l.digest.clone()))
            .map(|l| l.size)
            .sum()
    }

    /// `docker push <uri>/<repository>:<tag>` of a local image.
    pub fn push(
        &mut self,
        local: &ImageStore,
        source: &str,
        repository: &str,
        tag: &str,
        now: SimTime,
    ) -> Result<Transfer, RegistryError> {
        let image = local
            .get(source)
            .ok_or_else(|| RegistryError::NoSuchLocalImage(source.into()))?
            .clone();
        let digest = image.digest();
        let repo = self
            .repositories
            .get(repository)
            .ok_or_else(|| RegistryError::RepositoryNotFound(repository.into()))?;
        let current = repo
            .images
            .iter()
            .find(|(_, s)| s.tags.contains(tag))
            .map(|(d, _)| d.clone());
        if repo.mutability == TagMutability::Immutable && current.as_ref().is_some_and(|d| *d != digest) {
            return Err(RegistryError::TagAlreadyExists {
                repository: repository.into(),
                tag: tag.into(),
            });
        }
        let mut sent = (0, 0, 0u64);
        for l in &image.layers {
            if self.has_blob(&l.digest) {
                sent.1 += 1;
            } else {
                sent.0 += 1;
                sent.2 += l.size;
            }
        }
        let repo = self.repositories.get_mut(repository).expect("checked above");
        // A mutable tag moves: the image it left may become untagged.
        if let Some(old) = current.filter(|d| *d != digest)
            && let Some(s) = repo.images.get_mut(&old)
        {
            s.tags.remove(tag);
        }
        let entry = repo.images.entry(digest.clone()).or_insert(StoredImage {
            image,
            pushed_at: now,
            tags: BTreeSet::new(),
        });
        entry.tags.insert(tag.into());
        Ok(Transfer {
            digest,
            layers_sent: sent.0,
            layers_skipped: sent.1,
            bytes: sent.2,
        })
    }

    /// Resolves `repo:tag` or `repo@sha256:…`.
    pub fn resolve(&self, reference: &str) -> Result<&StoredImage, RegistryError> {
        let (repo, key) = match reference.split_once('@') {
            Some((r, d)) => (r, Err(Digest(d.into()))),
            None => match reference.rsplit_once(':') {
                Some((r, t)) => (r, Ok(t.to_string())),
                None => (reference, Ok("latest".to_string())),
            },
        };
        let r = self
            .repositories
            .get(repo)
            .ok_or_else(|| RegistryError::RepositoryNotFound(repo.into()))?;
        let found = match key {
            Ok(tag) => r.images.values().find(|s| s.tags.contains(&tag)),
            Err(d) => r.images.get(&d),
        };
        found.ok_or_else(|| RegistryError::NotFound(format!("{}{}", self.uri(""), reference)))
    }

    /// `docker pull`: downloads only the layers `local` lacks, then tags the image locally.
    pub fn pull(&self, reference: &str, local: &mut ImageStore) -> Result<Transfer, RegistryError> {
        let stored = self.resolve(reference)?;
        let mut t = Transfer {
            digest: stored.image.digest(),
            layers_sent: 0,
            layers_skipped: 0,
            bytes: 0,
        };
        for l in &stored.image.layers {
            if local.has_layer(&l.digest) {
                t.layers_skipped += 1;
            } else {
                t.layers_sent += 1;
                t.bytes += l.size;
            }
        }
        let tag = if reference.contains('@') {
            t.digest.0.clone()
        } else {
            reference.to_string()
        };
        local.insert(&tag, stored.image.clone());
        Ok(t)
    }

    /// Runs every repository's lifecycle policy at `now`; returns (repository, expired digest).
    /// Rules go by ascending priority and an image is expired by at most one rule.
    pub fn apply_lifecycle(&mut self, now: SimTime) -> Vec<(String, Digest)> {
        let mut expired = vec![];
        for repo in self.repositories.values_mut() {
            let mut rules = repo.lifecycle.clone();
            rules.sort_by_key(|r| r.priority);
            let mut decided: BTreeSet<Digest> = BTreeSet::new();
            let mut doomed: Vec<Digest> = vec![];
            for rule in &rules {
                let mut selected: Vec<(&Digest, &StoredImage)> = repo
                    .images
                    .iter()
                    .filter(|(d, _)| !decided.contains(*d))
                    .filter(|(_, s)| match rule.tag_status {
                        TagStatus::Untagged => s.tags.is_empty(),
                        TagStatus::Tagged => s
                            .tags
                            .iter()
                            .any(|t| rule.tag_prefixes.iter().any(|p| t.starts_with(p))),
                        TagStatus::Any => true,
                    })
                    .collect();
                // Newest first; ties by digest so the order never depends on map internals.
                selected.sort_by(|a, b| b.1.pushed_at.cmp(&a.1.pushed_at).then(a.0.cmp(b.0)));
                let victims: Vec<Digest> = match rule.count_type {
                    CountType::ImageCountMoreThan => selected
                        .iter()
                        .skip(rule.count as usize)
                        .map(|(d, _)| (*d).clone())
                        .collect(),
                    CountType::SinceImagePushed => {
                        let age = SimDuration::from_secs(u64::from(rule.count) * 86_400);
                        selected
                            .iter()
                            .filter(|(_, s)| now.since(s.pushed_at) > age)
                            .map(|(d, _)| (*d).clone())
                            .collect()
                    }
                };
                decided.extend(selected.iter().map(|(d, _)| (*d).clone()));
                doomed.extend(victims);
            }
            for d in doomed {
                repo.images.remove(&d);
                expired.push((repo.name.clone(), d));
            }
        }
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::image::build;

    fn store_with(specs: &[(&str, &str)]) -> ImageStore {
        let mut s = ImageStore::new();
        for (tag, spec) in specs {
            let img = build(spec, &s).expect("valid");
            s.insert(tag, img);
        }
        s
    }

    #[test]
    fn push_and_pull_move_only_missing_layers() {
        let local = store_with(&[
            ("web:1", "FROM node:20-alpine\nCOPY . /app 5MB"),
            ("web:2", "FROM node:20-alpine\nCOPY . /app 6MB"),
        ]);
        let mut ecr = Registry::new("123456789012", "us-east-1");
        ecr.create_repository("web", TagMutability::Mutable, vec![])
            .expect("valid");
        let first = ecr.push(&local, "web:1", "web", "v1", SimTime::ZERO).expect("ok");
        let second = ecr
            .push(&local, "web:2", "web", "v2", SimTime::from_secs(60))
            .expect("ok");
        assert_eq!((first.layers_sent, first.layers_skipped), (5, 0));
        assert_eq!(
            (second.layers_sent, second.layers_skipped, second.bytes),
            (1, 4, 6_000_000)
        );
        let mut host = ImageStore::new();
        let p1 = ecr.pull("web:v1", &mut host).expect("ok");
        let p2 = ecr.pull("web:v2", &mut host).expect("ok");
        assert_eq!((p1.layers_sent, p2.layers_sent, p2.bytes), (5, 1, 6_000_000));
        let by_digest = ecr.pull(&format!("web@{}", p2.digest), &mut host).expect("ok");
        assert_eq!(by_digest.bytes, 0);
        expect_test::expect![[r#"Error response from daemon: manifest for 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v3 not found: manifest unknown: Requested image not found"#]]
            .assert_eq(&ecr.pull("web:v3", &mut host).expect_err("missing").to_string());
    }

    #[test]
    fn immutable_tags_refuse_a_second_image() {
        let local = store_with(&[
            ("a:1", "FROM alpine:3.19\nRUN echo a 1KB"),
            ("a:2", "FROM alpine:3.19\nRUN echo b 1KB"),
        ]);
        let mut ecr = Registry::new("123456789012", "us-east-1");
        ecr.create_repository("a", TagMutability::Immutable, vec![])
            .expect("valid");
        ecr.push(&local, "a:1", "a", "prod", SimTime::ZERO)
            .expect("first push");
        // Pushing the very same image again is allowed; another image is not.
        ecr.push(&local, "a:1", "a", "prod", SimTime::ZERO)
            .expect("same digest");
        expect_test::expect![[r#"ImageTagAlreadyExistsException: The image tag 'prod' already exists in the 'a' repository and cannot be overwritten because the repository is immutable."#]]
            .assert_eq(&ecr.push(&local, "a:2", "a", "prod", SimTime::ZERO).expect_err("immutable").to_string());
    }

    #[test]
    fn lifecycle_expires_untagged_then_keeps_the_newest_tagged() {
        let mut local = ImageStore::new();
        let mut ecr = Registry::new("123456789012", "us-east-1");
        let rules = vec![
            LifecycleRule {
                priority: 1,
                tag_status: TagStatus::Untagged,
                tag_prefixes: vec![],
                count_type: CountType::SinceImagePushed,
                count: 1,
            },
            LifecycleRule {
                priority: 2,
                tag_status: TagStatus::Tagged,
                tag_prefixes: vec!["v".into()],
                count_type: CountType::ImageCountMoreThan,
                count: 2,
            },
        ];
        ecr.create_repository("app", TagMutability::Mutable, rules)
            .expect("valid");
        for k in 0..5u64 {
            let img = build(&format!("FROM alpine:3.19\nCOPY build-{k} /app 1MB"), &local).expect("valid");
            local.insert(&format!("app:{k}"), img);
            ecr.push(
                &local,
                &format!("app:{k}"),
                "app",
                &format!("v{k}"),
                SimTime::from_secs(k * 3600),
            )
            .expect("ok");
        }
        // Moving the mutable tag v0 leaves the first image untagged.
        ecr.push(&local, "app:4", "app", "v0", SimTime::from_secs(5 * 3600))
            .expect("moves v0");
        let expired = ecr.apply_lifecycle(SimTime::from_secs(3 * 86_400));
        let left: Vec<Vec<String>> = ecr.repositories["app"]
            .images
            .values()
            .map(|s| s.tags.iter().cloned().collect())
            .collect();
        // Rule 1 expires the untagged first image; rule 2 keeps the two newest v* images of the rest.
        assert_eq!(expired.len(), 3, "{expired:?}");
        let mut left_sorted = left.clone();
        left_sorted.sort();
        assert_eq!(
            left_sorted,
            [vec!["v0".to_string(), "v4".to_string()], vec!["v3".to_string()]]
        );
        assert!(
            validate_rules(&[
                LifecycleRule {
                    priority: 1,
                    tag_status: TagStatus::Any,
                    tag_prefixes: vec![],
                    count_type: CountType::ImageCountMoreThan,
                    count: 1
                },
                LifecycleRule {
                    priority: 2,
                    tag_status: TagStatus::Untagged,
                    tag_prefixes: vec![],
                    count_type: CountType::ImageCountMoreThan,
                    count: 1
                }
            ])
            .is_err()
        );
    }
}
