import { describe, expect, it } from 'vitest';
import { hashString32, mulberry32 } from './seeded-random.js';

describe('seeded random sources', () => {
  it('hashes strings to stable unsigned 32-bit values', () => {
    expect(hashString32('')).toBe(0x811c9dc5);
    expect(hashString32('a')).toBe(0xe40c292c);
    expect(hashString32('seed:card:1')).toBe(hashString32('seed:card:1'));
    expect(hashString32('seed:card:1')).not.toBe(hashString32('seed:card:2'));
  });

  it('replays the same sequence for the same seed, within [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const seqA = Array.from({ length: 1000 }, a);
    const seqB = Array.from({ length: 1000 }, b);
    expect(seqA).toEqual(seqB);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });

  it('spreads its draws roughly uniformly', () => {
    const next = mulberry32(7);
    const draws = Array.from({ length: 10_000 }, next);
    const belowHalf = draws.filter((x) => x < 0.5).length;
    expect(belowHalf).toBeGreaterThan(4700);
    expect(belowHalf).toBeLessThan(5300);
  });
});
