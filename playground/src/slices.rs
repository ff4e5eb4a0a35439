//! Long runs in slices: the pacing of a load run against wall time (play, pause, step, speed),
//! and the browser loop that advances it a slice per animation frame.
//!
//! The core never looks at a clock; this module does, and only to decide how much simulated time
//! one frame may advance and when to stop working so the browser can draw and handle input. A
//! slice works for about [`SLICE_MS`] of wall time, in chunks of engine steps small enough that
//! checking the clock between them keeps every main-thread task far under 100 ms.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Wall time one slice may work, in milliseconds.
pub const SLICE_MS: f64 = 24.0;

/// Simulated seconds per wall second; 0 means as fast as the slices allow.
pub const SPEEDS: [u32; 5] = [0, 600, 60, 10, 1];

/// Play, pause, step and speed of one run: pure, tested on the host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pacer {
    pub playing: bool,
    /// One of [`SPEEDS`].
    pub speed: u32,
    /// A step in progress: run (as fast as possible) up to this simulated second, then pause.
    pub until_s: Option<f64>,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            playing: true,
            speed: 0,
            until_s: None,
        }
    }
}

impl Pacer {
    /// The simulated second this frame should reach, given the run's position and length and the
    /// wall time since the last frame; `None` when paused. A frame that comes late (a hidden tab)
    /// counts as at most 100 ms, so the run does not leap.
    pub fn target(&self, now_s: f64, duration_s: f64, wall_ms: f64) -> Option<f64> {
        if let Some(until) = self.until_s {
            return Some(until.min(duration_s));
        }
        if !self.playing {
            return None;
        }
        if self.speed == 0 {
            return Some(duration_s);
        }
        let wall_s = wall_ms.clamp(0.0, 100.0) / 1000.0;
        Some((now_s + f64::from(self.speed) * wall_s).min(duration_s))
    }

    /// Pauses and asks for one step of `period_s` simulated seconds from `now_s`.
    pub fn step(self, now_s: f64, period_s: f64, duration_s: f64) -> Pacer {
        Pacer {
            playing: false,
            until_s: Some((now_s + period_s).min(duration_s)),
            ..self
        }
    }

    /// After a frame reached `now_s`: a finished step ends.
    pub fn reached(self, now_s: f64) -> Pacer {
        match self.until_s {
            Some(until) if now_s >= until => Pacer {
                until_s: None,
                ..self
            },
            _ => self,
        }
    }
}

/// Engine steps per chunk, adapted so one chunk takes about a tenth of a slice: doubled while
/// chunks are fast, halved when one was slow, within [64, 65,536].
pub fn next_chunk(steps: u64, chunk_ms: f64) -> u64 {
    let target = SLICE_MS / 10.0;
    let next = if chunk_ms < target / 2.0 {
        steps * 2
    } else if chunk_ms > target * 2.0 {
        steps / 2
    } else {
        steps
    };
    next.clamp(64, 65_536)
}

/// The browser's high-resolution clock in milliseconds (0 outside a browser).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A running frame loop; dropping or stopping it ends the loop before its next frame.
pub struct FrameLoop {
    alive: Rc<Cell<bool>>,
}

impl FrameLoop {
    /// Calls `frame(wall_ms_since_last_frame)` once per animation frame until it returns false
    /// or the loop is stopped.
    pub fn start(frame: impl FnMut(f64) -> bool + 'static) -> FrameLoop {
        let alive = Rc::new(Cell::new(true));
        schedule(Rc::new(std::cell::RefCell::new(frame)), alive.clone(), now_ms());
        FrameLoop { alive }
    }

    pub fn stop(&self) {
        self.alive.set(false);
    }

    pub fn running(&self) -> bool {
        self.alive.get()
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}

type Frame = Rc<std::cell::RefCell<dyn FnMut(f64) -> bool>>;

fn schedule(frame: Frame, alive: Rc<Cell<bool>>, last: f64) {
    let Some(window) = web_sys::window() else {
        alive.set(false);
        return;
    };
    let cb = Closure::once_into_js(move || {
        if !alive.get() {
            return;
        }
        let now = now_ms();
        let more = (frame.borrow_mut())(now - last);
        if more && alive.get() {
            schedule(frame, alive, now);
        } else {
            alive.set(false);
        }
    });
    if window.request_animation_frame(cb.unchecked_ref()).is_err() {
        // No animation frames (a detached document): fall back to a zero timeout.
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_runs_at_its_speed_and_fastest_runs_to_the_end() {
        let p = Pacer {
            playing: true,
            speed: 60,
            until_s: None,
        };
        assert_eq!(p.target(10.0, 600.0, 50.0), Some(13.0));
        // A late frame counts as 100 ms.
        assert_eq!(p.target(10.0, 600.0, 5_000.0), Some(16.0));
        assert_eq!(p.target(599.0, 600.0, 100.0), Some(600.0));
        assert_eq!(Pacer::default().target(0.0, 600.0, 16.0), Some(600.0));
        assert_eq!(Pacer { playing: false, ..p }.target(10.0, 600.0, 50.0), None);
    }

    #[test]
    fn a_step_pauses_runs_one_period_and_ends_there() {
        let p = Pacer::default().step(30.0, 10.0, 600.0);
        assert!(!p.playing);
        assert_eq!(p.target(30.0, 600.0, 16.0), Some(40.0));
        assert_eq!(p.reached(35.0), p);
        let done = p.reached(40.0);
        assert_eq!(done.until_s, None);
        assert_eq!(done.target(40.0, 600.0, 16.0), None);
        assert_eq!(Pacer::default().step(595.0, 10.0, 600.0).until_s, Some(600.0));
    }

    #[test]
    fn chunks_adapt_to_how_long_they_took() {
        assert_eq!(next_chunk(1000, 0.1), 2000);
        assert_eq!(next_chunk(1000, 2.4), 1000);
        assert_eq!(next_chunk(1000, 30.0), 500);
        assert_eq!(next_chunk(64, 90.0), 64);
        assert_eq!(next_chunk(65_536, 0.0), 65_536);
    }
}
