//! The discrete-event engine: simulated time, the event queue, the one seeded RNG and the trace.
//!
//! It knows nothing of Lambda, ECS or any other model. A model is a state machine that receives
//! events one at a time through [`Model::handle`] and may schedule more; [`Engine`] owns the clock
//! and advances it only by popping the next event. Pacing against real time (a "play" button) is
//! the playground's job, never this module's.

mod queue;
mod rng;
mod time;
mod trace;

pub use queue::{EventKey, EventQueue};
pub use rng::Rng;
pub use time::{
    DURATION_FORMS, Dur, MAX_DURATION_SECS, ParseDurationError, SimDuration, SimTime, opt_duration,
};
pub use trace::{Fnv1a64, Trace, TraceEntry, TraceMode, fnv1a64};

/// The default seed of every scenario that does not name one.
pub const DEFAULT_SEED: u64 = 0x000C_10DB_0000_0001;

/// A simulated system driven by events.
///
/// `Event` is what sits in the queue; `Record` is one line of the trace. They are separate so a
/// model can schedule private bookkeeping events that never show up in the trace.
pub trait Model {
    type Event;
    type Record: core::fmt::Display;

    /// Reacts to one event at `cx.now()`. Everything the model learns about time, randomness and
    /// the future goes through `cx`.
    fn handle(&mut self, event: Self::Event, cx: &mut Context<'_, Self::Event, Self::Record>);

    /// The key of the earliest event the model keeps in a queue of its own, if any. A model may
    /// keep events it schedules by the thousand and nearly in time order (a load's finishes)
    /// itself, each stamped with [`Context::stamp`] instead of scheduled; the engine merges them
    /// with its queue by key, so they are handled exactly when they would have been queued. Most
    /// models keep none.
    #[inline]
    fn own_next(&self) -> Option<EventKey> {
        None
    }
    /// Handles the event [`Model::own_next`] named, at its time, and drops it from the model's
    /// queue.
    fn handle_own(&mut self, cx: &mut Context<'_, Self::Event, Self::Record>) {
        let _ = cx;
        unreachable!("a model that keeps no events of its own is never asked to handle one")
    }
    /// Handles a run of the model's own events, in key order, for as long as each is the next
    /// event due: before each one it asks [`Context::next_own_due`] with the event's key, which
    /// says no once the engine's queue holds an earlier event (including any the run itself
    /// schedules), the run's time limit is passed or its step budget is spent, and otherwise
    /// moves the clock to the event. The engine calls it only when the model's next event is
    /// due, so the first question is answered yes. Each event counts as one step, as if the
    /// engine had handled it alone; the run only spares the engine's round trip per event (a
    /// load's arrivals and finishes, millions of them with nothing else in between).
    fn handle_own_run(&mut self, cx: &mut Context<'_, Self::Event, Self::Record>) {
        while let Some(key) = self.own_next() {
            if !cx.next_own_due(key) {
                break;
            }
            self.handle_own(cx);
        }
    }
}

/// What a model may touch while it handles an event.
pub struct Context<'a, E, R> {
    now: SimTime,
    queue: &'a mut EventQueue<E>,
    rng: &'a mut Rng,
    trace: &'a mut Trace<R>,
    /// For a run of own events ([`Model::handle_own_run`]): the key of the engine queue's
    /// earliest event (an own event at or after it must wait for the engine), lowered by every
    /// event scheduled during the run; the run's time limit; the steps it may still take. A
    /// context for one event has no budget.
    bound: EventKey,
    until: SimTime,
    budget: u64,
}

impl<E, R> Context<'_, E, R> {
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// Whether the model's own event with `key` is the next event due in a run of own events
    /// ([`Model::handle_own_run`]); if so, the clock moves to it and it counts as a step.
    #[inline(always)]
    pub fn next_own_due(&mut self, key: EventKey) -> bool {
        if self.budget == 0 || key >= self.bound || key.at() > self.until {
            return false;
        }
        debug_assert!(key.at() >= self.now, "an own event from the past");
        self.budget -= 1;
        self.now = key.at();
        true
    }
    /// Notes a newly queued event: a run of own events stops before it.
    #[inline]
    fn queued(&mut self, key: EventKey) {
        self.bound = self.bound.min(key);
    }
    /// Schedules `event` at `now + after`. Events scheduled for the same instant run in the order
    /// they were scheduled.
    pub fn schedule(&mut self, after: SimDuration, event: E) {
        let key = self.queue.push(self.now + after, event);
        self.queued(key);
    }
    /// Schedules the next event of a recurring source at `now + after`. It is
    /// handled exactly as [`Context::schedule`] would (same instant, same order among ties); the
    /// queue only keeps one such event beside its buckets, sparing a source that reschedules
    /// itself at every event the cost of queueing it.
    pub fn schedule_next(&mut self, after: SimDuration, event: E) {
        let key = self.queue.push_next(self.now + after, event);
        self.queued(key);
    }
    /// Schedules `event` at an absolute time, which must not lie in the past.
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        assert!(
            at >= self.now,
            "a model scheduled an event in the past: {at} < {}",
            self.now
        );
        let key = self.queue.push(at, event);
        self.queued(key);
    }
    /// The key of an event at `at` that the model keeps itself (see [`Model::own_next`]): the
    /// key [`Context::schedule_at`] would have given it. `at` must not lie in the past.
    #[inline(always)]
    pub fn stamp(&mut self, at: SimTime) -> EventKey {
        assert_not_past(at, self.now);
        self.queue.stamp(at)
    }
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }
}

impl<'a, E, R> Context<'a, E, R> {
    /// A context for one event at `now`: no run of own events.
    #[inline]
    fn single(now: SimTime, queue: &'a mut EventQueue<E>, rng: &'a mut Rng, trace: &'a mut Trace<R>) -> Self {
        Context {
            now,
            queue,
            rng,
            trace,
            bound: EventKey::MIN,
            until: now,
            budget: 0,
        }
    }
}

impl<E, R: core::fmt::Display> Context<'_, E, R> {
    /// Appends a line to the trace, stamped with the current time.
    pub fn record(&mut self, record: R) {
        self.trace.push(self.now, record);
    }
    /// Like [`Context::record`], but builds the line only when the trace uses lines: hot paths
    /// use it so a switched-off trace costs no formatting.
    #[inline]
    pub fn record_with(&mut self, record: impl FnOnce() -> R) {
        if self.trace.wants_lines() {
            self.trace.push(self.now, record());
        } else {
            self.trace.skip();
        }
    }
}

impl<'a, E, R> Context<'a, E, R> {
    /// Whether the trace uses lines ([`crate::sim::Trace::wants_lines`]), which does not change
    /// during a run: a model's own loop can be chosen by it before the [`OwnRun`] starts.
    #[inline(always)]
    pub fn wants_lines(&self) -> bool {
        self.trace.wants_lines()
    }
    /// Starts a model's own loop over a run of own events ([`Model::handle_own_run`]) with the
    /// run's state in locals: the clock, the step budget, the bound the run must stay before,
    /// the next sequence number, the random generator and the count of trace lines skipped.
    /// Reached through the context, each of these is a load and a store per event; a loop that
    /// handles millions of events in a row keeps them in registers instead. The [`OwnRun`] gives
    /// them back to the context when it is dropped, so what the model sees after is exactly what
    /// the event-by-event calls ([`Context::next_own_due`], [`Context::stamp`],
    /// [`Context::record_with`]) would have left.
    #[inline(always)]
    pub fn own_run(&mut self) -> OwnRun<'_, 'a, E, R> {
        // `key.at() > until` is `key >= (until + 1 µs, seq 0)`: one comparison with the bound.
        let after_until = match self.until.as_micros().checked_add(1) {
            Some(us) => EventKey::new(SimTime::from_micros(us), 0),
            None => EventKey::MAX,
        };
        OwnRun {
            now: self.now,
            budget: self.budget,
            limit: self.bound.min(after_until),
            after_until,
            seq: self.queue.next_seq(),
            rng: self.rng.clone(),
            lines: self.trace.wants_lines(),
            skipped: 0,
            cx: self,
        }
    }
}

/// A model's own loop over a run of own events, with the run's state in locals (see
/// [`Context::own_run`]). Its methods answer as the context's do.
pub struct OwnRun<'c, 'a, E, R> {
    now: SimTime,
    budget: u64,
    /// The earlier of the context's bound and the first key after its time limit.
    limit: EventKey,
    after_until: EventKey,
    seq: u64,
    rng: Rng,
    lines: bool,
    skipped: u64,
    cx: &'c mut Context<'a, E, R>,
}

impl<E, R> OwnRun<'_, '_, E, R> {
    /// [`Context::next_own_due`].
    #[inline(always)]
    pub fn due(&mut self, key: EventKey) -> bool {
        if self.budget == 0 || key >= self.limit {
            return false;
        }
        debug_assert!(key.at() >= self.now, "an own event from the past");
        self.budget -= 1;
        self.now = key.at();
        true
    }
    #[inline(always)]
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// [`Context::stamp`].
    #[inline(always)]
    pub fn stamp(&mut self, at: SimTime) -> EventKey {
        assert_not_past(at, self.now);
        let key = EventKey::new(at, self.seq);
        self.seq += 1;
        key
    }
    /// [`Context::schedule_at`].
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        self.cx.now = self.now;
        self.cx.queue.set_next_seq(self.seq);
        self.cx.schedule_at(at, event);
        self.seq = self.cx.queue.next_seq();
        self.limit = self.cx.bound.min(self.after_until);
    }
    #[inline(always)]
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }
    /// The steps left: each event handled after [`OwnRun::due`] said yes took one.
    #[inline(always)]
    pub fn budget(&self) -> u64 {
        self.budget
    }
}

impl<E, R: core::fmt::Display> OwnRun<'_, '_, E, R> {
    /// [`Context::record_with`].
    #[inline(always)]
    pub fn record_with(&mut self, record: impl FnOnce() -> R) {
        if self.lines {
            self.cx.trace.push(self.now, record());
        } else {
            self.skipped += 1;
        }
    }
    /// [`OwnRun::record_with`] without the count of a skipped line: for a loop that records one
    /// line per event it handles and counts its events anyway, and so says how many lines it
    /// skipped once, with [`OwnRun::skipped_lines`], rather than adding one at every event.
    #[inline(always)]
    pub fn record_uncounted(&mut self, record: impl FnOnce() -> R) {
        if self.lines {
            self.cx.trace.push(self.now, record());
        }
    }
    /// Counts `n` lines given to [`OwnRun::record_uncounted`] as skipped, when lines are not kept.
    #[inline(always)]
    pub fn skipped_lines(&mut self, n: u64) {
        if !self.lines {
            self.skipped += n;
        }
    }
}

impl<E, R> Drop for OwnRun<'_, '_, E, R> {
    fn drop(&mut self) {
        self.cx.now = self.now;
        self.cx.budget = self.budget;
        self.cx.queue.set_next_seq(self.seq);
        *self.cx.rng = self.rng.clone();
        self.cx.trace.skip_n(self.skipped);
    }
}

/// Runs a [`Model`]: `new(model, seed)`, then `step`, `run_until` or `run`.
pub struct Engine<M: Model> {
    model: M,
    queue: EventQueue<M::Event>,
    now: SimTime,
    rng: Rng,
    trace: Trace<M::Record>,
    steps: u64,
}

/// Why [`Engine::run`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// The queue is empty: nothing more can happen.
    Idle,
    /// The step budget ran out first (a model that keeps scheduling forever, such as a schedule).
    StepLimit,
}

impl<M: Model> Engine<M> {
    pub fn new(model: M, seed: u64) -> Self {
        Engine {
            model,
            queue: EventQueue::new(),
            now: SimTime::ZERO,
            rng: Rng::seed_from_u64(seed),
            trace: Trace::new(),
            steps: 0,
        }
    }
    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn model(&self) -> &M {
        &self.model
    }
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }
    pub fn trace(&self) -> &Trace<M::Record> {
        &self.trace
    }
    /// Chooses what the trace does with lines (see [`TraceMode`]); call before the run.
    pub fn set_trace_mode(&mut self, mode: TraceMode) {
        let before = std::mem::replace(&mut self.trace, Trace::with_mode(mode));
        debug_assert_eq!(before.lines_offered(), 0, "choose the trace mode before the run");
    }
    pub fn into_parts(self) -> (M, Trace<M::Record>) {
        (self.model, self.trace)
    }
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// Events in the engine's queue (not those the model keeps itself).
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
    /// Schedules an event from outside the model (a scenario's timeline, a button in the page).
    pub fn schedule_at(&mut self, at: SimTime, event: M::Event) {
        assert!(
            at >= self.now,
            "scheduled an event in the past: {at} < {}",
            self.now
        );
        self.queue.push(at, event);
    }
    /// Lets the caller act on the model with a context at the current time, e.g. to submit work.
    pub fn with_context<T>(
        &mut self,
        f: impl FnOnce(&mut M, &mut Context<'_, M::Event, M::Record>) -> T,
    ) -> T {
        let mut cx = Context::single(self.now, &mut self.queue, &mut self.rng, &mut self.trace);
        f(&mut self.model, &mut cx)
    }
    /// The time of the next event, if any (a caller running in slices stops before it).
    pub fn next_time(&self) -> Option<SimTime> {
        self.next_key().map(EventKey::at)
    }
    /// The earliest event's key, in the queue or kept by the model.
    #[inline]
    fn next_key(&self) -> Option<EventKey> {
        match (self.queue.peek_key(), self.model.own_next()) {
            (Some(q), Some(o)) => Some(q.min(o)),
            (q, o) => q.or(o),
        }
    }
    /// Handles the next event, if any, and returns its time.
    pub fn step(&mut self) -> Option<SimTime> {
        self.step_until(SimTime::from_micros(u64::MAX))
    }
    /// Handles the next event if it is due at or before `until`, and returns its time: one step
    /// of [`Engine::run_steps`], so single steps and runs merge the model's own events with the
    /// queue in one place.
    #[inline]
    pub fn step_until(&mut self, until: SimTime) -> Option<SimTime> {
        (self.run_steps(until, 1) == 1).then_some(self.now)
    }
    /// Handles the events due at or before `until`, at most `max_steps` of them, and returns
    /// how many it handled. The model's own next event goes first when its key is the earlier
    /// one, so the merged order is the order one queue would have given; a run of the model's
    /// own events goes to the model in one call ([`Model::handle_own_run`]), each counted as a
    /// step.
    pub fn run_steps(&mut self, until: SimTime, max_steps: u64) -> u64 {
        let start = self.steps;
        let limit = start.saturating_add(max_steps);
        while self.steps < limit {
            let head = self.queue.peek_key();
            match self.model.own_next() {
                Some(own) if head.is_none_or(|q| own < q) => {
                    if own.at() > until {
                        break;
                    }
                    let budget = limit - self.steps;
                    let mut cx = Context {
                        bound: head.unwrap_or(EventKey::MAX),
                        until,
                        budget,
                        ..Context::single(self.now, &mut self.queue, &mut self.rng, &mut self.trace)
                    };
                    self.model.handle_own_run(&mut cx);
                    let (now, left) = (cx.now, cx.budget);
                    assert!(
                        left < budget,
                        "a run of own events handled the event that was due"
                    );
                    self.now = now;
                    self.steps += budget - left;
                }
                _ => {
                    let Some((at, event)) = self.queue.pop_due(until) else {
                        break;
                    };
                    debug_assert!(at >= self.now, "an event from the past");
                    self.now = at;
                    self.steps += 1;
                    let mut cx = Context::single(at, &mut self.queue, &mut self.rng, &mut self.trace);
                    self.model.handle(event, &mut cx);
                }
            }
        }
        self.steps - start
    }
    /// Handles every event up to and including `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: SimTime) {
        self.run_steps(until, u64::MAX);
        if until > self.now {
            self.now = until;
        }
    }
    /// Runs until the queue is empty or `max_steps` events have been handled.
    pub fn run(&mut self, max_steps: u64) -> RunEnd {
        if self.run_steps(SimTime::from_micros(u64::MAX), max_steps) < max_steps {
            return RunEnd::Idle;
        }
        if self.next_key().is_none() {
            RunEnd::Idle
        } else {
            RunEnd::StepLimit
        }
    }
}

/// Both ways of stamping an event refuse a time before now: a model that did would break
/// the queue's order, so it is a bug in the model, not bad input.
#[track_caller]
#[inline(always)]
fn assert_not_past(at: SimTime, now: SimTime) {
    assert!(at >= now, "a model stamped an event in the past: {at} < {now}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ping-pong model: each event schedules the next after a random delay, three times.
    struct Ping;
    impl Model for Ping {
        type Event = u32;
        type Record = String;
        fn handle(&mut self, n: u32, cx: &mut Context<'_, u32, String>) {
            let jitter = cx.rng().below(1000);
            cx.record(format!("ping n={n} jitter={jitter}"));
            if n < 3 {
                cx.schedule(SimDuration::from_millis(10 + jitter), n + 1);
            }
        }
    }

    fn run(seed: u64) -> String {
        let mut e = Engine::new(Ping, seed);
        e.schedule_at(SimTime::ZERO, 0);
        assert_eq!(e.run(100), RunEnd::Idle);
        e.trace().to_string()
    }

    #[test]
    fn same_seed_same_trace_other_seed_other_trace() {
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        assert_eq!(run(7).lines().count(), 4);
    }

    #[test]
    fn a_hashed_trace_has_the_kept_traces_hash_and_an_off_trace_still_counts() {
        let run = |mode: TraceMode| {
            let mut e = Engine::new(Ping, 7);
            e.set_trace_mode(mode);
            e.schedule_at(SimTime::ZERO, 0);
            e.run(100);
            (
                e.trace().hash_if_known(),
                e.trace().lines_offered(),
                e.trace().len(),
            )
        };
        let keep = run(TraceMode::Keep);
        assert_eq!(keep.1, 4);
        assert_eq!(keep.2, 4);
        assert_eq!(run(TraceMode::Hash), (keep.0, 4, 0));
        assert_eq!(run(TraceMode::Off), (None, 4, 0));
    }

    #[test]
    fn run_until_stops_at_the_boundary_and_sets_the_clock() {
        let mut e = Engine::new(Ping, 1);
        e.schedule_at(SimTime::ZERO, 0);
        e.run_until(SimTime::from_millis(5));
        assert_eq!(e.trace().len(), 1);
        assert_eq!(e.now(), SimTime::from_millis(5));
    }
}
