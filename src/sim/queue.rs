//! The future event list: earliest `(time, seq)` first.
//!
//! `seq` is a counter stamped at insertion, so events scheduled for the same instant come out in
//! the order they went in (FIFO). Without it a heap would order ties arbitrarily and the trace
//! would depend on heap internals. Because `(time, seq)` is unique, the pop order is fully
//! determined by the keys, whatever the queue's shape.
//!
//! Two levels, because a simulation's events are mostly near-future ones (the next arrival in a
//! millisecond, a finish in a second): a wheel of `SLOTS` buckets of `2^WIDTH_BITS` µs each holds
//! every event of the next few seconds, appended in O(1) and sorted only when the clock reaches
//! its bucket (a handful of events); later events wait in a 4-ary heap and move into the wheel as
//! it turns. In a ten-minute Lambda load run, `std`'s binary heap was half of the wall time; this
//! queue cut that to a few percent.
//!
//! One more event may wait beside the wheel: the next one of a recurring source
//! ([`EventQueue::push_next`]), which would otherwise go through a bucket at every step. It
//! carries its `seq` like any other, so the pop order is the same as if it were queued.
//!
//! A model may also keep a kind of event in a queue of its own (a load's arrivals and finishes,
//! thousands at once and nearly in time order): [`EventQueue::stamp`] gives such an event the key
//! it would have had here, and the engine merges the two by key, so again the order is the same.

use super::SimTime;

/// Where an event stands in the pop order: its time, then the order it was scheduled in. Unique
/// per event, so two queues merged by key pop exactly as one would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventKey(u128);

impl EventKey {
    /// Before every event.
    pub const MIN: EventKey = EventKey(0);
    /// After every event.
    pub const MAX: EventKey = EventKey(u128::MAX);
    #[inline(always)]
    pub(crate) fn new(at: SimTime, seq: u64) -> EventKey {
        EventKey((u128::from(at.as_micros()) << 64) | u128::from(seq))
    }
    /// The event's time.
    #[inline(always)]
    pub fn at(self) -> SimTime {
        SimTime::from_micros((self.0 >> 64) as u64)
    }
}

struct Entry<E> {
    /// `time << 64 | seq`: one comparison orders by time, then insertion.
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn bucket(&self) -> u64 {
        ((self.key >> 64) as u64) >> WIDTH_BITS
    }
}

/// Bucket width: 2^10 µs, about a millisecond.
const WIDTH_BITS: u32 = 10;
/// Buckets in the wheel: 4,096 of them cover about 4.2 s.
const SLOTS: u64 = 4096;

/// Pending events, earliest first, FIFO among equals.
pub struct EventQueue<E> {
    /// `wheel[b % SLOTS]` holds the events of absolute bucket `b` for `cursor <= b < cursor + SLOTS`.
    /// The cursor's own bucket is kept sorted, latest first, so its last entry is the earliest
    /// event of the queue; the others are unsorted.
    wheel: Vec<Vec<Entry<E>>>,
    cursor: u64,
    in_wheel: usize,
    /// Events at or beyond `cursor + SLOTS`.
    far: Heap<E>,
    /// The pending event of a recurring source, kept out of the wheel.
    next: Option<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            wheel: Vec::new(),
            cursor: 0,
            in_wheel: 0,
            far: Heap { items: Vec::new() },
            next: None,
            next_seq: 0,
        }
    }
    fn entry(&mut self, at: SimTime, event: E) -> Entry<E> {
        let key = self.stamp(at).0;
        Entry { key, event }
    }
    /// The sequence number the next event scheduled or stamped gets (a model's own loop counts
    /// them in a local and gives them back, see [`crate::sim::OwnRun`]).
    #[inline(always)]
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq
    }
    #[inline(always)]
    pub(crate) fn set_next_seq(&mut self, seq: u64) {
        debug_assert!(seq >= self.next_seq, "sequence numbers only grow");
        self.next_seq = seq;
    }
    /// The key an event scheduled now for `at` gets, for an event its model keeps itself: it
    /// takes its place in the order as if it had been pushed.
    #[inline(always)]
    pub fn stamp(&mut self, at: SimTime) -> EventKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        EventKey::new(at, seq)
    }
    /// Queues `event` at `at` and returns its key.
    pub fn push(&mut self, at: SimTime, event: E) -> EventKey {
        let entry = self.entry(at, event);
        let key = EventKey(entry.key);
        self.insert(entry);
        key
    }
    /// Pushes the next event of a recurring source: kept beside the wheel when no other is.
    pub fn push_next(&mut self, at: SimTime, event: E) -> EventKey {
        let entry = self.entry(at, event);
        let key = EventKey(entry.key);
        if self.next.is_none() {
            self.next = Some(entry);
        } else {
            self.insert(entry);
        }
        key
    }
    fn insert(&mut self, entry: Entry<E>) {
        let key = entry.key;
        if self.wheel.is_empty() {
            self.wheel.resize_with(SLOTS as usize, Vec::new);
        }
        if self.in_wheel == 0 && self.far.items.is_empty() {
            // Nothing pending in the wheel: it turns to this event directly.
            self.cursor = entry.bucket();
        }
        let b = entry.bucket();
        if b <= self.cursor {
            // The current bucket (or, for an event in the past, before it: it is the earliest
            // of all, so it belongs here too). Keep it sorted, latest first.
            let bucket = &mut self.wheel[(self.cursor % SLOTS) as usize];
            let at = bucket.partition_point(|e| e.key > key);
            bucket.insert(at, entry);
            self.in_wheel += 1;
        } else if b < self.cursor + SLOTS {
            self.wheel[(b % SLOTS) as usize].push(entry);
            self.in_wheel += 1;
        } else {
            self.far.push(entry);
        }
    }
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(SimTime::from_micros(u64::MAX))
    }
    /// Pops the earliest event if it is due at or before `limit`.
    #[inline]
    pub fn pop_due(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        let wheel_key = self.wheel_top().map(|e| e.key);
        let top = match (&self.next, wheel_key) {
            (Some(n), w) if w.is_none_or(|w| n.key < w) => {
                if (n.key >> 64) as u64 > limit.as_micros() {
                    return None;
                }
                self.next.take().expect("matched")
            }
            (_, Some(w)) => {
                if (w >> 64) as u64 > limit.as_micros() {
                    return None;
                }
                let top = self.wheel[(self.cursor % SLOTS) as usize].pop().expect("peeked");
                self.in_wheel -= 1;
                self.settle();
                top
            }
            (_, None) => return None,
        };
        Some((SimTime::from_micros((top.key >> 64) as u64), top.event))
    }
    #[inline]
    fn wheel_top(&self) -> Option<&Entry<E>> {
        self.wheel.get((self.cursor % SLOTS) as usize)?.last()
    }
    /// Restores the invariant after a pop: the cursor's bucket is non-empty and sorted, unless
    /// the queue is empty.
    #[inline]
    fn settle(&mut self) {
        if self.wheel[(self.cursor % SLOTS) as usize].is_empty() {
            self.turn();
        }
    }
    /// Turns the wheel to the next non-empty bucket (bringing far events in) and sorts it.
    fn turn(&mut self) {
        loop {
            if self.in_wheel == 0 {
                match self.far.peek() {
                    Some(e) => self.cursor = e.bucket(),
                    None => return,
                }
            } else {
                self.cursor += 1;
            }
            // The bucket `cursor + SLOTS - 1` just came into view: bring its far events in.
            while self.far.peek().is_some_and(|e| e.bucket() < self.cursor + SLOTS) {
                let e = self.far.pop().expect("peeked");
                self.wheel[(e.bucket() % SLOTS) as usize].push(e);
                self.in_wheel += 1;
            }
            let bucket = &mut self.wheel[(self.cursor % SLOTS) as usize];
            if !bucket.is_empty() {
                bucket.sort_unstable_by_key(|e| std::cmp::Reverse(e.key));
                return;
            }
        }
    }
    pub fn peek_time(&self) -> Option<SimTime> {
        self.peek_key().map(EventKey::at)
    }
    /// The key of the earliest event.
    #[inline]
    pub fn peek_key(&self) -> Option<EventKey> {
        let key = match (&self.next, self.wheel_top()) {
            (Some(n), Some(w)) => n.key.min(w.key),
            (Some(e), None) | (None, Some(e)) => e.key,
            (None, None) => return None,
        };
        Some(EventKey(key))
    }
    pub fn len(&self) -> usize {
        self.in_wheel + self.far.items.len() + usize::from(self.next.is_some())
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A 4-ary min-heap on the key: the far future, which only sees each event twice.
struct Heap<E> {
    items: Vec<Entry<E>>,
}

const ARITY: usize = 4;

impl<E> Heap<E> {
    fn peek(&self) -> Option<&Entry<E>> {
        self.items.first()
    }
    fn push(&mut self, entry: Entry<E>) {
        let key = entry.key;
        self.items.push(entry);
        let mut i = self.items.len() - 1;
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.items[parent].key <= key {
                break;
            }
            self.items.swap(parent, i);
            i = parent;
        }
    }
    fn pop(&mut self) -> Option<Entry<E>> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.items[0], last);
        let n = self.items.len();
        let key = self.items[0].key;
        let mut i = 0;
        loop {
            let first = ARITY * i + 1;
            if first >= n {
                break;
            }
            let end = (first + ARITY).min(n);
            let mut min = first;
            for c in first + 1..end {
                if self.items[c].key < self.items[min].key {
                    min = c;
                }
            }
            if key <= self.items[min].key {
                break;
            }
            self.items.swap(i, min);
            i = min;
        }
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn earliest_first_and_fifo_among_ties() {
        let mut q = EventQueue::new();
        q.push(SimTime::from_millis(5), "late");
        q.push(SimTime::from_millis(1), "a");
        q.push(SimTime::from_millis(1), "b");
        q.push(SimTime::from_millis(1), "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "b", "c", "late"]);
    }

    proptest! {
        /// Interleaved pushes (to the wheel or beside it) and pops come out exactly as a sorted
        /// list of (time, insertion number) would give them.
        #[test]
        fn pops_in_time_then_insertion_order(
            ops in proptest::collection::vec((0u8..3, 0u64..4, 0u64..3000), 0..400)
        ) {
            let mut q = EventQueue::new();
            let mut model: Vec<(u64, u32)> = Vec::new();
            let mut now = 0;
            for (n, (op, scale, d)) in ops.into_iter().enumerate() {
                if op == 0 {
                    model.sort();
                    let want = (!model.is_empty()).then(|| model.remove(0));
                    let got = q.pop().map(|(at, id)| (at.as_micros(), id));
                    prop_assert_eq!(got, want);
                    if let Some((t, _)) = got {
                        now = t;
                    }
                } else {
                    // Delays from zero (ties) through the current bucket, the wheel, to far
                    // beyond it (up to about 50 minutes), never into the past, as the engine.
                    let t = now + d * [0, 1, 1_000, 1_000_000][scale as usize];
                    if op == 1 {
                        q.push(SimTime::from_micros(t), n as u32);
                    } else {
                        q.push_next(SimTime::from_micros(t), n as u32);
                    }
                    model.push((t, n as u32));
                }
                prop_assert_eq!(q.len(), model.len());
                model.sort();
                prop_assert_eq!(q.peek_time().map(|t| t.as_micros()), model.first().map(|m| m.0));
            }
        }
    }
}
