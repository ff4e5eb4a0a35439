//! Containers on one Docker host: create, start, stop, remove; the thin writable layer that dies
//! with the container; named volumes and bind mounts that outlive it.
//!
//! Files are a path → text map, enough to show where data lives. Every operation is a trace line
//! at a simulated time that advances by the operation's modelled duration (aws-facts Part 2 §6).
//! A [`Scenario`] file (`cloudbook sim container`, documented in `book/reference/container-file.md`)
//! builds images and plays docker-like steps on one [`Host`].
//! It does not model networking, cgroups limits or images beyond their layers.

use core::fmt;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_spanned::Spanned;

use super::image::{self, ImageStore};
use crate::diag::Diagnostic;
use crate::sim::{SimDuration, SimTime, Trace};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Mount {
    /// A Docker-managed volume, kept under /var/lib/docker/volumes.
    Volume { name: String, target: String },
    /// Any host path.
    Bind { source: String, target: String },
}

impl Mount {
    fn target(&self) -> &str {
        match self {
            Mount::Volume { target, .. } | Mount::Bind { target, .. } => target,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum State {
    Created,
    Running,
    Exited,
}

#[derive(Debug, Clone, Serialize)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub state: State,
    pub mounts: Vec<Mount>,
    /// The writable layer: gone when the container is removed.
    pub writable: BTreeMap<String, String>,
}

/// Where a write or read landed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Place {
    WritableLayer,
    Volume(String),
    Bind(String),
    Missing,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::WritableLayer => write!(f, "writable layer"),
            Place::Volume(v) => write!(f, "volume {v}"),
            Place::Bind(p) => write!(f, "bind mount {p}"),
            Place::Missing => write!(f, "nowhere (No such file or directory)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Record {
    Created {
        container: String,
        image: String,
        mounts: usize,
    },
    Started {
        container: String,
        took: String,
    },
    Wrote {
        container: String,
        path: String,
        place: String,
    },
    Read {
        container: String,
        path: String,
        place: String,
        content: Option<String>,
    },
    Stopped {
        container: String,
    },
    Removed {
        container: String,
        lost_files: usize,
    },
    Error {
        message: String,
    },
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Created {
                container,
                image,
                mounts,
            } => write!(f, "container {container} created from {image} mounts={mounts}"),
            Record::Started { container, took } => write!(f, "container {container} started in {took}"),
            Record::Wrote {
                container,
                path,
                place,
            } => write!(f, "container {container} wrote {path} -> {place}"),
            Record::Read {
                container,
                path,
                place,
                content,
            } => match content {
                Some(c) => write!(f, "container {container} read {path} <- {place}: {c:?}"),
                None => write!(f, "container {container} read {path}: {place}"),
            },
            Record::Stopped { container } => write!(
                f,
                "container {container} stopped (the writable layer stays until removal)"
            ),
            Record::Removed {
                container,
                lost_files,
            } => {
                write!(
                    f,
                    "container {container} removed: {lost_files} file(s) in its writable layer are gone"
                )
            }
            Record::Error { message } => write!(f, "{message}"),
        }
    }
}

/// One Docker host with its images, containers, volumes and host filesystem.
#[derive(Debug, Clone, Default)]
pub struct Host {
    pub images: ImageStore,
    pub containers: BTreeMap<String, Container>,
    pub volumes: BTreeMap<String, BTreeMap<String, String>>,
    pub host_files: BTreeMap<String, String>,
    pub now: SimTime,
    pub trace: Trace<Record>,
}

/// How long a container takes to start on a running host with the image present: a namespace
/// (~10 ms) and the process (the median cached-image start of ~0.57 s on SSD).
pub const CONTAINER_START: SimDuration = SimDuration::from_millis(570);

impl Host {
    pub fn new(images: ImageStore) -> Self {
        Host {
            images,
            ..Host::default()
        }
    }
    fn record(&mut self, r: Record) {
        self.trace.push(self.now, r);
    }
    fn error(&mut self, message: String) -> Result<(), String> {
        self.record(Record::Error {
            message: message.clone(),
        });
        Err(message)
    }
    pub fn create(&mut self, name: &str, image: &str, mounts: Vec<Mount>) -> Result<(), String> {
        if self.images.get(image).is_none() {
            return self.error(format!("Unable to find image '{image}' locally"));
        }
        if self.containers.contains_key(name) {
            return self.error(format!(
                "Error response from daemon: Conflict. The container name \"/{name}\" is already in use"
            ));
        }
        for m in &mounts {
            if let Mount::Volume { name, .. } = m {
                self.volumes.entry(name.clone()).or_default();
            }
        }
        self.record(Record::Created {
            container: name.into(),
            image: image.into(),
            mounts: mounts.len(),
        });
        self.containers.insert(
            name.into(),
            Container {
                name: name.into(),
                image: image.into(),
                state: State::Created,
                mounts,
                writable: BTreeMap::new(),
            },
        );
        Ok(())
    }
    pub fn start(&mut self, name: &str) -> Result<(), String> {
        let Some(c) = self.containers.get_mut(name) else {
            return self.error(format!("Error response from daemon: No such container: {name}"));
        };
        c.state = State::Running;
        self.now += CONTAINER_START;
        self.record(Record::Started {
            container: name.into(),
            took: CONTAINER_START.to_string(),
        });
        Ok(())
    }
    pub fn stop(&mut self, name: &str) -> Result<(), String> {
        let Some(c) = self.containers.get_mut(name) else {
            return self.error(format!("Error response from daemon: No such container: {name}"));
        };
        c.state = State::Exited;
        self.now += SimDuration::from_millis(300);
        self.record(Record::Stopped {
            container: name.into(),
        });
        Ok(())
    }
    pub fn remove(&mut self, name: &str) -> Result<(), String> {
        match self.containers.get(name).map(|c| c.state) {
            None => self.error(format!("Error response from daemon: No such container: {name}")),
            Some(State::Running) => self.error(format!(
                "Error response from daemon: You cannot remove a running container {name}. Stop the container before attempting removal or force remove"
            )),
            Some(_) => {
                let c = self.containers.remove(name).expect("checked above");
                self.record(Record::Removed { container: name.into(), lost_files: c.writable.len() });
                Ok(())
            }
        }
    }

    /// Which mount (if any) a path falls under: the longest matching target wins.
    fn route(c: &Container, path: &str) -> Option<Mount> {
        c.mounts
            .iter()
            .filter(|m| {
                path == m.target() || path.starts_with(&format!("{}/", m.target().trim_end_matches('/')))
            })
            .max_by_key(|m| m.target().len())
            .cloned()
    }

    pub fn write(&mut self, name: &str, path: &str, content: &str) -> Result<(), String> {
        let Some(c) = self.containers.get(name) else {
            return self.error(format!("Error response from daemon: No such container: {name}"));
        };
        if c.state != State::Running {
            return self.error(format!(
                "Error response from daemon: Container {name} is not running"
            ));
        }
        let place = match Self::route(c, path) {
            Some(Mount::Volume { name: v, target }) => {
                let rel = path[target.len()..].to_string();
                self.volumes
                    .entry(v.clone())
                    .or_default()
                    .insert(rel, content.into());
                Place::Volume(v)
            }
            Some(Mount::Bind { source, target }) => {
                let host_path = format!(
                    "{}{}",
                    source.trim_end_matches('/'),
                    &path[target.trim_end_matches('/').len()..]
                );
                self.host_files.insert(host_path.clone(), content.into());
                Place::Bind(host_path)
            }
            None => {
                self.containers
                    .get_mut(name)
                    .expect("checked above")
                    .writable
                    .insert(path.into(), content.into());
                Place::WritableLayer
            }
        };
        self.record(Record::Wrote {
            container: name.into(),
            path: path.into(),
            place: place.to_string(),
        });
        Ok(())
    }

    pub fn read(&mut self, name: &str, path: &str) -> Option<String> {
        let c = self.containers.get(name)?;
        let (place, content) = match Self::route(c, path) {
            Some(Mount::Volume { name: v, target }) => {
                let got = self
                    .volumes
                    .get(&v)
                    .and_then(|f| f.get(&path[target.len()..]))
                    .cloned();
                (
                    if got.is_some() {
                        Place::Volume(v)
                    } else {
                        Place::Missing
                    },
                    got,
                )
            }
            Some(Mount::Bind { source, target }) => {
                let host_path = format!(
                    "{}{}",
                    source.trim_end_matches('/'),
                    &path[target.trim_end_matches('/').len()..]
                );
                let got = self.host_files.get(&host_path).cloned();
                (
                    if got.is_some() {
                        Place::Bind(host_path)
                    } else {
                        Place::Missing
                    },
                    got,
                )
            }
            None => {
                let got = c.writable.get(path).cloned();
                (
                    if got.is_some() {
                        Place::WritableLayer
                    } else {
                        Place::Missing
                    },
                    got,
                )
            }
        };
        self.record(Record::Read {
            container: name.into(),
            path: path.into(),
            place: place.to_string(),
            content: content.clone(),
        });
        content
    }
}

/// A container scenario: images to build, then steps played in order on one host.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub images: ImageStore,
    pub steps: Vec<Step>,
}

/// One docker-like command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `docker create --name <name> -v … <image>`.
    Create {
        name: String,
        image: String,
        mounts: Vec<Mount>,
    },
    Start(String),
    Stop(String),
    /// `docker rm`.
    Remove(String),
    /// A process in the container writes `content` to `path`.
    Write {
        container: String,
        path: String,
        content: String,
    },
    /// A process in the container reads `path`.
    Read {
        container: String,
        path: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    #[serde(default)]
    image: Vec<ImageIn>,
    #[serde(default)]
    step: Vec<Spanned<StepIn>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageIn {
    tag: String,
    build: Spanned<String>,
}

/// A `[[step]]` table: exactly one command key names the container; the other keys are its
/// arguments.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepIn {
    create: Option<String>,
    start: Option<String>,
    stop: Option<String>,
    rm: Option<String>,
    write: Option<String>,
    read: Option<String>,
    image: Option<String>,
    mounts: Option<Vec<String>>,
    path: Option<String>,
    content: Option<String>,
}

use crate::diag::{Field, Ty, opt, req};

/// The container scenario's shape for the one walk in [`crate::diag`]; documented in
/// `book/reference/container-host.md`.
const FILE: &[Field] = &[
    opt(
        "image",
        Ty::TableList(IMAGE),
        "Images built before the first step.",
    ),
    opt("step", Ty::TableList(STEP), "Docker-like steps, played in order."),
];
const IMAGE: &[Field] = &[
    req("tag", Ty::Str, "The image's name and tag."),
    req("build", Ty::Str, "The build file, one instruction a line."),
];
const STEP: &[Field] = &[
    opt("create", Ty::Str, "Create a container with this name."),
    opt("start", Ty::Str, "Start this container."),
    opt("stop", Ty::Str, "Stop this container."),
    opt("rm", Ty::Str, "Remove this container."),
    opt("write", Ty::Str, "Write a file in this container."),
    opt("read", Ty::Str, "Read a file in this container."),
    opt("image", Ty::Str, "With create: the image."),
    opt(
        "mounts",
        Ty::StrList,
        "With create: `volume:/path` or `/host:/path`.",
    ),
    opt("path", Ty::Str, "With write and read: the file."),
    opt("content", Ty::Str, "With write: the text."),
];

const COMMANDS: &str = "create, start, stop, rm, write, read";

/// Where `key = …` is written in the table that starts at `from` (its header or its first key),
/// or its first key when `key` is `None`; `from` when it is not found.
fn key_at(text: &str, from: usize, key: Option<&str>) -> usize {
    let mut at = from;
    for (k, line) in text[from..].split_inclusive('\n').enumerate() {
        let t = line.trim_start();
        let here = at + line.len() - t.len();
        at += line.len();
        if t.starts_with('[') {
            if k == 0 {
                continue;
            }
            break;
        }
        let Some((name, _)) = t.split_once('=') else {
            continue;
        };
        if key.is_none_or(|key| name.trim() == key) {
            return here;
        }
    }
    from
}

/// Reads docker's `-v` syntax: `name:/target` is a named volume, `/host/path:/target` a bind mount.
fn parse_mount(m: &str) -> Option<Mount> {
    let (source, target) = m.split_once(':')?;
    if source.is_empty() || !target.starts_with('/') || target.contains(':') {
        return None;
    }
    Some(if source.starts_with('/') {
        Mount::Bind {
            source: source.into(),
            target: target.into(),
        }
    } else {
        Mount::Volume {
            name: source.into(),
            target: target.into(),
        }
    })
}

/// Parses a container scenario file; `path` only labels diagnostics. Every shape problem is
/// reported at once; the step checks run once the shape is sound.
pub fn parse(path: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    // The shape goes through the one walk every input file uses; what it finds sound is then
    // read as before and checked for what only this file knows (one command per step, mounts).
    let root = crate::diag::read_toml(path, text)?;
    let mut w = crate::diag::Walk::new(path, text);
    w.root(&root, FILE, &crate::diag::Place::root("the container scenario"));
    w.finish(())?;
    let file: FileIn = toml::from_str(text).map_err(|e| {
        let message = format!("invalid value: {}", e.message().trim().replace('`', "\""));
        vec![Diagnostic::at_offset(
            path,
            text,
            e.span().map_or(0, |s| s.start),
            message,
        )]
    })?;
    let mut diags = vec![];
    let mut images = ImageStore::new();
    for i in file.image {
        match image::build(i.build.get_ref(), &images) {
            Ok(img) => {
                images.insert(&i.tag, img);
            }
            Err(e) => {
                // The spec's line 1 is the line after the quotes when the string opens on its own line.
                let start = i.build.span().start;
                let rest = &text[start..];
                let own_line = rest.starts_with("\"\"\"\n") || rest.starts_with("'''\n");
                let mut d = Diagnostic::at_offset(
                    path,
                    text,
                    start,
                    format!("image \"{}\" does not build: {}", i.tag, e.message),
                );
                d.line += e.line - u32::from(!own_line);
                d.col = 1;
                diags.push(d);
            }
        }
    }
    let mut steps = vec![];
    for spanned in file.step {
        let at = spanned.span().start;
        let s = spanned.into_inner();
        // (the key it is about, the message)
        let mut problems: Vec<(&str, String)> = vec![];
        let commands: Vec<(&str, &String)> = [
            ("create", &s.create),
            ("start", &s.start),
            ("stop", &s.stop),
            ("rm", &s.rm),
            ("write", &s.write),
            ("read", &s.read),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_ref()?)))
        .collect();
        let [(command, name)] = commands[..] else {
            let found: Vec<&str> = commands.iter().map(|(k, _)| *k).collect();
            diags.push(Diagnostic::at_offset(
                path,
                text,
                key_at(text, at, found.last().copied()),
                if found.is_empty() {
                    format!(
                        "a step names no command (expected one of: {COMMANDS}, set to the container's name)"
                    )
                } else {
                    format!(
                        "a step runs one command, this one has {} (split it into one [[step]] each)",
                        found.join(" and ")
                    )
                },
            ));
            continue;
        };
        let takes: &[&str] = match command {
            "create" => &["image", "mounts"],
            "write" => &["path", "content"],
            "read" => &["path"],
            _ => &[],
        };
        for (key, present) in [
            ("image", s.image.is_some()),
            ("mounts", s.mounts.is_some()),
            ("path", s.path.is_some()),
            ("content", s.content.is_some()),
        ] {
            if present && !takes.contains(&key) {
                problems.push((
                    key,
                    if takes.is_empty() {
                        format!("key \"{key}\" does not apply to {command}, which takes no other keys")
                    } else {
                        format!(
                            "key \"{key}\" does not apply to {command} (expected one of: {})",
                            takes.join(", ")
                        )
                    },
                ));
            }
        }
        let mut need = |key: &str, v: &Option<String>| {
            if v.is_none() {
                problems.push((command, format!("{command} needs {key} = \"…\"")));
            }
            v.clone().unwrap_or_default()
        };
        let name = name.clone();
        let step = match command {
            "create" => Step::Create {
                name,
                image: need("image", &s.image),
                mounts: vec![],
            },
            "start" => Step::Start(name),
            "stop" => Step::Stop(name),
            "rm" => Step::Remove(name),
            "write" => Step::Write {
                container: name,
                path: need("path", &s.path),
                content: need("content", &s.content),
            },
            _ => Step::Read {
                container: name,
                path: need("path", &s.path),
            },
        };
        let step = match step {
            Step::Create { name, image, .. } => {
                let mut mounts = vec![];
                for m in s.mounts.iter().flatten() {
                    match parse_mount(m) {
                        Some(mount) => mounts.push(mount),
                        None => problems.push(("mounts", format!(
                            "mount \"{m}\" is not volume:/target or /host/path:/target (e.g. \"db:/var/lib/db\" or \"/home/me/site:/srv\")"
                        ))),
                    }
                }
                Step::Create { name, image, mounts }
            }
            other => other,
        };
        diags.extend(
            problems
                .into_iter()
                .map(|(key, m)| Diagnostic::at_offset(path, text, key_at(text, at, Some(key)), m)),
        );
        steps.push(step);
    }
    if diags.is_empty() {
        Ok(Scenario { images, steps })
    } else {
        Err(diags)
    }
}

/// What is left on the host after a scenario: the containers with their writable layers, the
/// volumes and the host's files.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub containers: Vec<Container>,
    pub volumes: BTreeMap<String, BTreeMap<String, String>>,
    pub host_files: BTreeMap<String, String>,
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = |f: &mut fmt::Formatter<'_>, files: &BTreeMap<String, String>| -> fmt::Result {
            for (p, content) in files {
                writeln!(f, "  {p} = {content:?}")?;
            }
            Ok(())
        };
        for c in &self.containers {
            writeln!(
                f,
                "container {} ({:?}, image {}): {} file(s) in its writable layer",
                c.name,
                c.state,
                c.image,
                c.writable.len()
            )?;
            files(f, &c.writable)?;
        }
        for (v, content) in &self.volumes {
            writeln!(f, "volume {v}: {} file(s)", content.len())?;
            files(f, content)?;
        }
        if !self.host_files.is_empty() {
            writeln!(f, "host files: {}", self.host_files.len())?;
            files(f, &self.host_files)?;
        }
        Ok(())
    }
}

/// Plays a scenario on a fresh host. A step Docker would refuse is an error line in the trace and
/// the run goes on, as a shell script without `set -e` would.
pub fn run(s: &Scenario) -> (Trace<Record>, Snapshot) {
    let mut h = Host::new(s.images.clone());
    for step in &s.steps {
        // Refusals are already trace lines; the Result only matters to callers in code.
        let _ = match step {
            Step::Create { name, image, mounts } => h.create(name, image, mounts.clone()),
            Step::Start(n) => h.start(n),
            Step::Stop(n) => h.stop(n),
            Step::Remove(n) => h.remove(n),
            Step::Write {
                container,
                path,
                content,
            } => h.write(container, path, content),
            Step::Read { container, path } => {
                h.read(container, path);
                Ok(())
            }
        };
    }
    let snapshot = Snapshot {
        containers: h.containers.values().cloned().collect(),
        volumes: h.volumes.clone(),
        host_files: h.host_files.clone(),
    };
    (h.trace, snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::image::build;

    #[test]
    fn the_writable_layer_dies_with_the_container_but_volumes_and_binds_do_not() {
        let mut images = ImageStore::new();
        let img = build("FROM alpine:3.19\nCOPY app /app 1MB", &images).expect("valid");
        images.insert("app:1", img);
        let mut h = Host::new(images);
        let mounts = || {
            vec![
                Mount::Volume {
                    name: "db".into(),
                    target: "/var/lib/db".into(),
                },
                Mount::Bind {
                    source: "/home/me/site".into(),
                    target: "/srv".into(),
                },
            ]
        };
        h.create("one", "app:1", mounts()).expect("ok");
        h.start("one").expect("ok");
        h.write("one", "/tmp/cache", "scratch").expect("ok");
        h.write("one", "/var/lib/db/users", "alice").expect("ok");
        h.write("one", "/srv/index.html", "<h1>hi</h1>").expect("ok");
        assert!(h.remove("one").is_err(), "a running container cannot be removed");
        h.stop("one").expect("ok");
        h.remove("one").expect("ok");
        h.create("two", "app:1", mounts()).expect("ok");
        h.start("two").expect("ok");
        assert_eq!(h.read("two", "/tmp/cache"), None);
        assert_eq!(h.read("two", "/var/lib/db/users").as_deref(), Some("alice"));
        assert_eq!(h.read("two", "/srv/index.html").as_deref(), Some("<h1>hi</h1>"));
        expect_test::expect![[r#"
            t=00:00:00.000 container one created from app:1 mounts=2
            t=00:00:00.570 container one started in 570ms
            t=00:00:00.570 container one wrote /tmp/cache -> writable layer
            t=00:00:00.570 container one wrote /var/lib/db/users -> volume db
            t=00:00:00.570 container one wrote /srv/index.html -> bind mount /home/me/site/index.html
            t=00:00:00.570 Error response from daemon: You cannot remove a running container one. Stop the container before attempting removal or force remove
            t=00:00:00.870 container one stopped (the writable layer stays until removal)
            t=00:00:00.870 container one removed: 1 file(s) in its writable layer are gone
            t=00:00:00.870 container two created from app:1 mounts=2
            t=00:00:01.440 container two started in 570ms
            t=00:00:01.440 container two read /tmp/cache: nowhere (No such file or directory)
            t=00:00:01.440 container two read /var/lib/db/users <- volume db: "alice"
            t=00:00:01.440 container two read /srv/index.html <- bind mount /home/me/site/index.html: "<h1>hi</h1>"
        "#]].assert_eq(&h.trace.to_string());
    }
}
