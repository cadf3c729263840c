import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, utf8Encode } from './sha256.js';

const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('handles a million bytes (many blocks)', () => {
    expect(sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto around the block padding boundaries', () => {
    for (let length = 50; length <= 130; length++) {
      const input = 'x'.repeat(length);
      expect(sha256Hex(input)).toBe(nodeSha256(input));
    }
  });

  it('agrees with node:crypto on any unicode string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        (s) => sha256Hex(s) === nodeSha256(s),
      ),
    );
  });
});

describe('utf8Encode', () => {
  it('encodes like TextEncoder, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
        expect([...utf8Encode(s)]).toEqual([...new TextEncoder().encode(s)]);
      }),
    );
    expect([...utf8Encode('\ud800')]).toEqual([0xef, 0xbf, 0xbd]);
    expect([...utf8Encode('€𝄞')]).toEqual([0xe2, 0x82, 0xac, 0xf0, 0x9d, 0x84, 0x9e]);
  });
});
