/**
 * Small deterministic random sources, so that "random" behaviour (simulator noise, test data) is
 * reproducible from a seed. Not for anything secret.
 */

/** FNV-1a over the string's UTF-16 code units: a fast, stable 32-bit seed from any text. */
export function hashString32(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * mulberry32: a 32-bit PRNG returning numbers in [0, 1). The same seed always yields the same
 * sequence, which is the whole point.
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
