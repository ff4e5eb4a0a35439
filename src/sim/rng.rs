//! The one random number generator of a simulation: xoshiro256** seeded through SplitMix64.
//!
//! Written out here (30 lines) rather than taken from a crate so its output can never change under
//! us with a dependency update, and so it needs no OS entropy. Every method works in `u64`, never
//! `usize`, so wasm32 and x86_64 draw the same numbers.

/// xoshiro256** (Blackman and Vigna, 2018).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// Expands a `u64` seed with SplitMix64, as the xoshiro authors recommend.
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    // Always, even in the size-optimised wasm build: a load draws seven times an invocation.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n` (Lemire's multiply-shift; the tiny bias is irrelevant here but
    /// the result is exactly reproducible). `n == 0` returns 0.
    #[inline(always)]
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.below_nonzero(n)
    }

    /// [`Rng::below`] for a bound known to be at least one: the same draw and value, without
    /// asking whether the bound is zero.
    #[inline(always)]
    pub fn below_nonzero(&mut self, n: u64) -> u64 {
        debug_assert!(n != 0);
        mul_hi(self.next_u64(), n)
    }

    /// A uniform float in `[0, 1)` built from the top 53 bits.
    #[inline(always)]
    pub fn unit_f64(&mut self) -> f64 {
        self.top53() as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The top 53 bits of a draw: [`Rng::unit_f64`] before its scaling by 2^-53.
    #[inline(always)]
    pub fn top53(&mut self) -> u64 {
        self.next_u64() >> 11
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit_f64() < p.clamp(0.0, 1.0)
    }

    /// Picks one element uniformly; `None` for an empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }
}

/// The high 64 bits of the 128-bit product `a * b`.
///
/// On x86_64 and aarch64 a `u128` multiply is one instruction. wasm32 has no 128-bit multiply, and
/// the compiler calls `__multi3` for one, out of line in the hot loops; there the product is built
/// from 64-bit multiplies, which wasm has, with the same result (property tests check both ways
/// against the `u128` product natively). A multiplier below 2³² (every `below` of a load: the
/// jitter and the idle lifetime in microseconds) takes two; LLVM recognises the general four-multiply
/// form as a 128-bit product and calls `__multi3` for it after all, so it is only the fallback.
#[inline(always)]
pub fn mul_hi(a: u64, b: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        if b >> 32 == 0 {
            mul_hi_narrow(a, b)
        } else {
            mul_hi_halves(a, b)
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        ((u128::from(a) * u128::from(b)) >> 64) as u64
    }
}

const LOW: u64 = 0xFFFF_FFFF;

/// [`mul_hi`] for `b < 2³²`: with `a = a1·2³² + a0`, the high word is
/// `(a1·b + ⌊a0·b / 2³²⌋) / 2³²`, whose sum stays below 2⁶⁴.
#[inline(always)]
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn mul_hi_narrow(a: u64, b: u64) -> u64 {
    debug_assert!(b >> 32 == 0);
    ((a >> 32) * b + (((a & LOW) * b) >> 32)) >> 32
}

/// [`mul_hi`] in 32-bit halves: `a = a1·2³² + a0`, `b = b1·2³² + b0`, and the high word is
/// `a1·b1` plus the carries of the cross products and of the low product's high half.
#[inline(always)]
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn mul_hi_halves(a: u64, b: u64) -> u64 {
    let (a0, a1) = (a & LOW, a >> 32);
    let (b0, b1) = (b & LOW, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // At most 3 · (2³² − 1): no overflow.
    let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::{prop_assert_eq, proptest};

    /// The reference: the high word of the `u128` product.
    fn wide(a: u64, b: u64) -> u64 {
        ((u128::from(a) * u128::from(b)) >> 64) as u64
    }

    proptest! {
        #[test]
        fn mul_hi_in_halves_is_the_128_bit_product(a: u64, b: u64) {
            prop_assert_eq!(mul_hi_halves(a, b), wide(a, b));
        }

        #[test]
        fn mul_hi_narrow_is_the_128_bit_product(a: u64, b: u32) {
            let b = u64::from(b);
            prop_assert_eq!(mul_hi_narrow(a, b), wide(a, b));
        }
    }

    #[test]
    fn mul_hi_in_halves_at_the_edges() {
        for &(a, b) in &[
            (0, 0),
            (u64::MAX, u64::MAX),
            (u64::MAX, 1),
            (1 << 32, 1 << 32),
            (u64::MAX, 1200),
            (u64::MAX, u64::from(u32::MAX)),
        ] {
            assert_eq!(mul_hi_halves(a, b), wide(a, b), "{a} * {b}");
            if b >> 32 == 0 {
                assert_eq!(mul_hi_narrow(a, b), wide(a, b), "{a} * {b}");
            }
        }
    }

    #[test]
    fn known_first_outputs_pin_the_algorithm() {
        // If these change, every stored trace changes: that would be a breaking change.
        let mut r = Rng::seed_from_u64(0);
        let got: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut again = Rng::seed_from_u64(0);
        assert_eq!(got, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_ne!(got[0], got[1]);
        let mut r = Rng::seed_from_u64(42);
        for _ in 0..1000 {
            assert!(r.below(7) < 7);
            let u = r.unit_f64();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
