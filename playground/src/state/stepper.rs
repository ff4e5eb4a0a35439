//! The step-through of a recorded run (the placement decisions of a scenario or deployment cell):
//! which step is shown, whether it plays, and how fast.
//!
//! A position `k` in `0..=len` shows the cluster *before* step `k` (`frames[k]` of the core's
//! `ClusterOutput`) and, while `k < len`, the decision of step `k`; `k == len` is the final state.
//! Moving only changes `k`: nothing is simulated again, so stepping through a large scenario costs
//! no more than drawing one frame. Playing is the component's frame loop sending [`StepOp::Tick`]
//! with the wall time; this module decides how many steps that is.

/// Steps per second a playing step-through offers (the speed select).
pub const STEP_SPEEDS: [u32; 4] = [1, 2, 5, 20];

/// What a control asks of the step-through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepOp {
    First,
    Back,
    Step,
    Last,
    /// The timeline range jumped to a position.
    Jump(u32),
    Play,
    Pause,
    /// Steps per second.
    Speed(u32),
    /// The frame loop's clock, in milliseconds, while playing.
    Tick(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stepper {
    /// The position shown, in `0..=len`.
    pub k: u32,
    /// How many steps were recorded.
    pub len: u32,
    pub playing: bool,
    /// Steps per second while playing.
    pub speed: u32,
    /// The wall time of the last step taken while playing (`None` until the first tick).
    pub last_ms: Option<f64>,
}

impl Stepper {
    /// A fresh run shows its final state.
    pub fn at_end(len: u32) -> Stepper {
        Stepper {
            k: len,
            len,
            playing: false,
            speed: STEP_SPEEDS[1],
            last_ms: None,
        }
    }

    /// Whether the position shows a decision (not the final state).
    pub fn step_shown(&self) -> Option<u32> {
        (self.k < self.len).then_some(self.k)
    }

    pub fn apply(self, op: StepOp) -> Stepper {
        let stop = |s: Stepper| Stepper {
            playing: false,
            last_ms: None,
            ..s
        };
        match op {
            StepOp::First => stop(Stepper { k: 0, ..self }),
            StepOp::Back => stop(Stepper {
                k: self.k.saturating_sub(1),
                ..self
            }),
            StepOp::Step => stop(Stepper {
                k: (self.k + 1).min(self.len),
                ..self
            }),
            StepOp::Last => stop(Stepper { k: self.len, ..self }),
            StepOp::Jump(k) => stop(Stepper {
                k: k.min(self.len),
                ..self
            }),
            // Playing from the end starts over, as a media player does.
            StepOp::Play if self.len > 0 => Stepper {
                playing: true,
                last_ms: None,
                k: if self.k >= self.len { 0 } else { self.k },
                ..self
            },
            StepOp::Play | StepOp::Pause => stop(self),
            StepOp::Speed(s) if STEP_SPEEDS.contains(&s) => Stepper { speed: s, ..self },
            StepOp::Speed(_) => self,
            StepOp::Tick(now_ms) if self.playing => {
                let Some(last) = self.last_ms else {
                    return Stepper {
                        last_ms: Some(now_ms),
                        ..self
                    };
                };
                let interval = 1000.0 / f64::from(self.speed.max(1));
                let due = ((now_ms - last) / interval).floor();
                if due < 1.0 {
                    return self;
                }
                let k = (u64::from(self.k) + due as u64).min(u64::from(self.len)) as u32;
                Stepper {
                    k,
                    playing: k < self.len,
                    last_ms: Some(last + due * interval),
                    ..self
                }
            }
            StepOp::Tick(_) => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_recorded_steps() {
        let s = Stepper::at_end(3);
        assert_eq!((s.k, s.step_shown()), (3, None), "a run shows its final state");
        let s = s.apply(StepOp::First);
        assert_eq!(s.step_shown(), Some(0));
        let s = s.apply(StepOp::Back);
        assert_eq!(s.k, 0, "no step before the first");
        let s = s.apply(StepOp::Step).apply(StepOp::Step);
        assert_eq!(s.step_shown(), Some(2));
        let s = s.apply(StepOp::Step).apply(StepOp::Step);
        assert_eq!((s.k, s.step_shown()), (3, None), "no step after the end");
        assert_eq!(s.apply(StepOp::Jump(1)).k, 1);
        assert_eq!(s.apply(StepOp::Jump(99)).k, 3, "a jump past the end is the end");
        assert_eq!(s.apply(StepOp::Back).k, 2);
        assert_eq!(s.apply(StepOp::First).apply(StepOp::Last).k, 3);
    }

    #[test]
    fn playing_advances_by_wall_time_and_stops_at_the_end() {
        let s = Stepper::at_end(5).apply(StepOp::Speed(2)).apply(StepOp::Play);
        assert!(s.playing);
        assert_eq!(s.k, 0, "play at the end starts over");
        let s = s.apply(StepOp::Tick(1000.0));
        assert_eq!(s.k, 0, "the first tick only starts the clock");
        let s = s.apply(StepOp::Tick(1400.0));
        assert_eq!(s.k, 0, "2 steps a second: not yet");
        let s = s.apply(StepOp::Tick(1500.0));
        assert_eq!(s.k, 1);
        // A slow frame catches up with every step that was due.
        let s = s.apply(StepOp::Tick(2600.0));
        assert_eq!(s.k, 3);
        let s = s.apply(StepOp::Pause);
        assert!(!s.playing);
        assert_eq!(s.apply(StepOp::Tick(9999.0)).k, 3, "paused: ticks do nothing");
        let s = s
            .apply(StepOp::Play)
            .apply(StepOp::Tick(0.0))
            .apply(StepOp::Tick(5000.0));
        assert_eq!((s.k, s.playing), (5, false), "stops at the end");
        // A move while playing pauses.
        let s = Stepper::at_end(5).apply(StepOp::Play).apply(StepOp::Step);
        assert!(!s.playing);
        assert_eq!(s.k, 1);
    }

    #[test]
    fn empty_runs_and_odd_speeds_are_harmless() {
        let s = Stepper::at_end(0).apply(StepOp::Play);
        assert!(!s.playing, "nothing to play");
        assert_eq!(s.apply(StepOp::Step).k, 0);
        assert_eq!(Stepper::at_end(2).apply(StepOp::Speed(7)).speed, STEP_SPEEDS[1]);
        assert_eq!(Stepper::at_end(2).apply(StepOp::Speed(20)).speed, 20);
    }
}
