/** A small seeded pseudo-random number generator, so a simulated market is reproducible. */

/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator): a 32-bit state advanced by the constant
 * 0x6D2B79F5 and mixed by two multiply-xorshift rounds; period 2³², good enough for simulated
 * prices (not for cryptography). Returns uniform numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from two uniforms (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1], so the logarithm is finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A 32-bit seed from a number and a text (FNV-1a), e.g. one stream per ticker. */
export function seedFor(seed: number, text: string): number {
  let hash = 0x811C9DC5;
  for (const char of `${seed}:${text}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
