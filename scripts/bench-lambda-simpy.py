#!/usr/bin/env python3
"""The load model of `cloudbook sim lambda-bench` in SimPy 4.1, doing no more work per invocation.

Rules shared with the Rust model (src/lambda/model.rs), in integer microseconds:
- arrivals: the first at 0, then gaps uniform on [0, 2/rps), while the next arrival is before the end;
- concurrency: an arrival finding `cap` invocations busy is throttled (429);
- the most recently freed idle environment is reused (warm start); an environment idle past its
  deadline (now + 5..15 min, drawn when it became idle) is gone, and is dropped when the lookup
  next reaches it, as the Rust side drops reclaimed environments lazily;
- with none idle, a new environment starts cold: 150 ms +-20% of Init, if the scaling rate allows
  (a bucket of 1,000 new environments per 10 s, refilled continuously), else it is throttled;
- the invocation lasts work / CPU share (memory / 1769 MB) plus 0.3-1.5 ms of runtime overhead.

Per invocation each side handles two events, an arrival and a finish. SimPy: the arrival
generator's timeout and one timeout whose callback finishes the invocation (no process per
invocation, no reclaim timer), both through its heap. Rust: both kept by the account in queues of
its own (one slot for the load's next arrival, a ring in key order for the finishes), merged with
the engine's queue by key, a steady load's run of them handled in one loop. On top of that the
Rust model runs the handler script (once per function version when Init and handler are pure,
then every environment replays that run; every time when it is not), keeps each environment's
state, draws a request id, a log stream name (not formatted unless logs are kept), the handler's
seed and the memory used, counts trace lines, accounts billing, and keeps every duration exactly
(a count per microsecond, or the samples) for exact per-minute percentiles, checking idle
deadlines with ReclaimDue events. SimPy does none of that; it only uses its own RNG (Python's
Mersenne Twister), so the counts agree statistically, not to the invocation.

Usage: bench-lambda-simpy.py RPS DURATION_S MEMORY_MB WORK_MS CAP [REPEAT]
Prints JSON: the counts and the best (shortest) wall time of REPEAT runs.
"""
import json
import random
import sys
import time

import simpy

IDLE_MIN_US, IDLE_MAX_US = 300_000_000, 900_000_000
SCALING_PER_10S = 1000


def run(rps, duration_s, memory_mb, work_ms, cap, seed=1):
    rng = random.Random(seed).random
    env = simpy.Environment()
    work_us = int(work_ms * 1000 / min(memory_mb / 1769, 1.0))
    mean_us = 1_000_000 / rps
    until = duration_s * 1_000_000
    idle = []  # idle deadlines, the most recently freed environment last
    n = {"busy": 0, "finished": 0, "throttles": 0, "cold": 0, "tokens": float(SCALING_PER_10S), "tokens_at": 0}

    def finish(_event):
        n["busy"] -= 1
        n["finished"] += 1
        idle.append(env.now + IDLE_MIN_US + int(rng() * (IDLE_MAX_US - IDLE_MIN_US + 1)))

    def invoke():
        now = env.now
        throttled = n["busy"] >= cap
        while idle and idle[-1] <= now:
            idle.pop()  # reclaimed at its deadline
        init = 0
        if not throttled and not idle:
            n["tokens"] = min(n["tokens"] + (now - n["tokens_at"]) / 10_000_000 * SCALING_PER_10S, SCALING_PER_10S)
            n["tokens_at"] = now
            if n["tokens"] < 1:
                throttled = True
            else:
                n["tokens"] -= 1
                n["cold"] += 1
                init = int(150_000 * (0.8 + 0.4 * rng()))
        if throttled:
            n["throttles"] += 1
            return
        if init == 0:
            idle.pop()  # warm start
        n["busy"] += 1
        env.timeout(init + work_us + 300 + int(rng() * 1200)).callbacks.append(finish)

    def arrivals():
        while True:
            invoke()
            gap = int(mean_us * 2 * rng())
            if env.now + gap >= until:
                return
            yield env.timeout(gap)

    env.process(arrivals())
    start = time.perf_counter()
    env.run()
    wall = time.perf_counter() - start
    return {"invocations": n["finished"], "throttles": n["throttles"], "cold_starts": n["cold"],
            "wall_s": wall, "invocations_per_s": n["finished"] / wall}


def main():
    rps, duration_s, memory_mb, work_ms, cap = (float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]),
                                                float(sys.argv[4]), int(sys.argv[5]))
    repeat = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    # Best of `repeat`, like the Rust side: the fastest run is the least disturbed one.
    best = min((run(rps, duration_s, memory_mb, work_ms, cap) for _ in range(repeat)), key=lambda r: r["wall_s"])
    print(json.dumps(best))


if __name__ == "__main__":
    main()
