import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from './result.js';

describe('Result', () => {
  it('wraps a value as ok and an error as err', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(err('boom')).toEqual({ ok: false, error: 'boom' });
  });

  it('narrows on ok so the value is reachable only on success', () => {
    const parse = (s: string): Result<number, string> =>
      /^\d+$/.test(s) ? ok(Number(s)) : err(`not a number: ${s}`);
    const good = parse('42');
    const bad = parse('x');
    expect(good.ok && good.value).toBe(42);
    expect(!bad.ok && bad.error).toBe('not a number: x');
  });
});
