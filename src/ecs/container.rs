//! Containers on one Docker host: create, start, stop, remove; the thin writable layer that dies
//! with the container; named volumes and bind mounts that outlive it; and the start-up clock of a
//! container (a process) against a virtual machine (firmware, OS boot, middleware, application).
//!
//! Files are a path → text map, enough to show where data lives. Every operation is a trace line
//! at a simulated time that advances by the operation's modelled duration (aws-facts Part 2 §6).
//! It does not model networking, cgroups limits or images beyond their layers.

use core::fmt;
use std::collections::BTreeMap;

use serde::Serialize;

use super::image::ImageStore;
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

/// What is being started, for the start-up clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Workload {
    /// A container on a host that is already running, image cached.
    Container,
    /// A container whose image must be pulled first (`image_mb` at `mb_per_sec`).
    ContainerWithPull { image_mb: u32, mb_per_sec: u32 },
    /// A Fargate task: infrastructure and network interface, then a pull (never cached).
    Fargate { image_mb: u32, mb_per_sec: u32 },
    /// A new virtual machine: API, pending → running, OS boot, then middleware and the app.
    VirtualMachine {
        middleware: SimDuration,
        app: SimDuration,
    },
}

/// The phases of starting a workload with their durations, in order.
pub fn startup(w: Workload) -> Vec<(&'static str, SimDuration)> {
    let pull = |mb: u32, rate: u32| SimDuration::from_millis(u64::from(mb) * 1000 / u64::from(rate.max(1)));
    match w {
        Workload::Container => vec![
            ("namespaces and cgroups", SimDuration::from_millis(10)),
            ("process start", SimDuration::from_millis(560)),
        ],
        Workload::ContainerWithPull { image_mb, mb_per_sec } => vec![
            ("image pull", pull(image_mb, mb_per_sec)),
            ("namespaces and cgroups", SimDuration::from_millis(10)),
            ("process start", SimDuration::from_millis(560)),
        ],
        Workload::Fargate { image_mb, mb_per_sec } => vec![
            ("capacity and network interface", SimDuration::from_secs(15)),
            ("image pull (never cached on Fargate)", pull(image_mb, mb_per_sec)),
            ("process start", SimDuration::from_millis(570)),
        ],
        Workload::VirtualMachine { middleware, app } => vec![
            ("RunInstances API", SimDuration::from_millis(1500)),
            ("pending -> running", SimDuration::from_secs(5)),
            ("firmware and OS boot", SimDuration::from_secs(22)),
            ("middleware", middleware),
            ("application", app),
        ],
    }
}

/// The total of [`startup`].
pub fn startup_total(w: Workload) -> SimDuration {
    startup(w).into_iter().fold(SimDuration::ZERO, |a, (_, d)| a + d)
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

    #[test]
    fn a_container_starts_in_under_a_second_a_vm_in_tens_of_seconds() {
        let c = startup_total(Workload::Container);
        let vm = startup_total(Workload::VirtualMachine {
            middleware: SimDuration::from_secs(10),
            app: SimDuration::from_secs(3),
        });
        let fargate = startup_total(Workload::Fargate {
            image_mb: 200,
            mb_per_sec: 80,
        });
        assert_eq!(
            (c.to_string(), vm.to_string(), fargate.to_string()),
            ("570ms".into(), "41.5s".into(), "18.07s".into())
        );
    }
}
