import { describe, expect, it } from 'vitest';
import { normalizeServer } from './context.js';
import { ExitError } from './errors.js';

describe('normalizeServer', () => {
  it('keeps http(s) URLs and drops trailing slashes', () => {
    expect(normalizeServer('http://localhost:4000/')).toBe('http://localhost:4000');
    expect(normalizeServer('https://Orders.Example.com/api//')).toBe(
      'https://orders.example.com/api',
    );
  });

  it('refuses anything else as a usage error (exit 2)', () => {
    for (const bad of ['localhost:4000', 'ftp://x', 'http://x/?a=1', '']) {
      expect(() => normalizeServer(bad)).toThrow(ExitError);
      try {
        normalizeServer(bad);
      } catch (error) {
        expect((error as ExitError).code).toBe(2);
      }
    }
  });
});
