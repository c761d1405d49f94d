/** Seeded pseudo-random numbers: demo data, benchmarks and tests that must repeat exactly. */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform whole number in [min, max]. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  /** An index, with probability proportional to its weight. */
  weighted(weights: readonly number[]): number;
}

// Bound once: in a vm context (jest), every global lookup such as `Math` goes through the
// sandbox's interceptor, and the PRNG runs millions of times.
const { floor, imul } = Math;

/** Mulberry32: tiny, fast and good enough for test data; one 32-bit state. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (xs) => xs[floor(next() * xs.length)]!,
    weighted: (weights) => {
      let r = next() * weights.reduce((s, w) => s + w, 0);
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
  };
}
