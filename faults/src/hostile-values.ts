import fc from 'fast-check';

/**
 * Hostile values as JSON text. Some of what a hostile client sends cannot come out of
 * `JSON.stringify` (`NaN`, `1e999`, a 20,000-deep array, a `__proto__` key), so values are
 * assembled as text: a `RawJson` is written out verbatim.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonTree =
  | null
  | boolean
  | number
  | string
  | RawJson
  | readonly JsonTree[]
  | { readonly [key: string]: JsonTree };

export type JsonObject = { readonly [key: string]: JsonTree };

/** Writes a tree as JSON text; own keys named `__proto__` are written like any other key. */
export function writeJson(tree: JsonTree): string {
  if (tree instanceof RawJson) return tree.text;
  if (Array.isArray(tree)) return `[${tree.map((item: JsonTree) => writeJson(item)).join(',')}]`;
  if (typeof tree === 'object' && tree !== null) {
    const entries = Object.keys(tree).map((key) => {
      const value = (tree as JsonObject)[key] ?? null;
      return `${JSON.stringify(key)}:${writeJson(value)}`;
    });
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(tree);
}

/** JSON.parse, or undefined when the text is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

const raw = (text: string) => new RawJson(text);

/** Numbers JSON cannot carry, or that do not survive a round trip through a double. */
const wildNumbers = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e999',
  '-0',
  '9007199254740993',
  '-9007199254740993',
  '2147483648',
  '-2147483649',
  '1e308',
  '5e-324',
  '0.1',
  '1.5',
  '-1',
  '0x10',
  '01',
  '+1',
  '.5',
  '1.',
  '1e',
  '123456789012345678901234567890123456789012345678901234567890',
);

const numbers = fc.oneof(
  wildNumbers.map(raw),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 1, 1000, 1001, 1_000_000, 100_000_001, Number.MAX_SAFE_INTEGER),
);

/** Strings a database or a validator may trip on; every one is valid JSON once stringified. */
const trickyStrings = fc.constantFrom(
  '',
  ' ',
  '\t\n\r',
  '\u00a0\u2028\u2029\ufeff',
  '\u202eRTL\u200b\u200d',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  'ß',
  'ﬃ',
  'İı',
  "'; drop table users; --",
  '%s%n%x',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '\\',
  '%',
  '_',
  'null',
  'undefined',
  '__proto__',
  '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5fX',
);

const unicodeStrings = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
);

/** A string with a NUL somewhere: valid JSON, valid to most schemas, refused by PostgreSQL. */
export const nulStrings = fc
  .tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
  .map(([before, after]) => `${before}\u0000${after}`);

/**
 * Long strings: 1 KB to 2 MB. The body limit is 64 KB, so the large ones test the limit and the
 * small ones test the fields' own bounds.
 */
export const hugeStrings = fc
  .tuple(
    fc.constantFrom(1_000, 10_000, 60_000, 100_000, 2_000_000),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

export const hostileStrings = fc.oneof(
  { weight: 3, arbitrary: trickyStrings },
  { weight: 3, arbitrary: unicodeStrings },
  { weight: 2, arbitrary: nulStrings },
  { weight: 1, arbitrary: hugeStrings },
);

/** Arrays of 10,000 to 100,000 items and nesting 1,000 to 20,000 deep. */
const hugeStructures = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(10_000, 100_000),
      fc.constantFrom('1', '"A"', '{}', '{"sku":"A","quantity":1}'),
    )
    .map(([count, item]) => raw(`[${Array.from({ length: count }, () => item).join(',')}]`)),
  fc
    .constantFrom(1_000, 20_000)
    .chain((depth) =>
      fc.constantFrom(
        raw('['.repeat(depth) + ']'.repeat(depth)),
        raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
      ),
    ),
);

/** Keys that have meant something to a JavaScript object at some point. */
export const pollutingKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '',
);

const pollutingObjects = fc.constantFrom(
  raw('{"__proto__":{"role":"ADMIN","isAdmin":true,"priceCents":0}}'),
  raw('{"constructor":{"prototype":{"role":"ADMIN"}}}'),
  raw('{"__proto__":null}'),
  raw('{"__proto__":[]}'),
  raw('{"toString":1,"valueOf":"x","hasOwnProperty":null}'),
);

/** Fragments that make the surrounding text invalid JSON. */
const malformedFragments = fc.constantFrom(
  "'single'",
  'undefined',
  '{',
  ']',
  '"unterminated',
  '"\\x00"',
  '"\\u12"',
  '/*comment*/1',
  '1,2',
  '',
);

const wrongTypes = fc.constantFrom<JsonTree>(null, true, false, {}, [], '', '0', [null], {
  '': '',
});

/** Any value a hostile client could put where a field is expected. */
export const hostileValues: fc.Arbitrary<JsonTree> = fc.oneof(
  { weight: 3, arbitrary: wrongTypes },
  { weight: 3, arbitrary: numbers },
  { weight: 4, arbitrary: hostileStrings },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3, stringUnit: 'binary' }).map(raw) },
  { weight: 1, arbitrary: hugeStructures },
  { weight: 1, arbitrary: pollutingObjects },
  { weight: 1, arbitrary: malformedFragments.map(raw) },
);

/** Whole inputs: anything fast-check can make, in JSON, plus the hostile values. */
export const hostileInputs: fc.Arbitrary<JsonTree | undefined> = fc.oneof(
  fc.constant(undefined),
  hostileValues,
  fc
    .anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true })
    .map((value) => JSON.stringify(value) as string | undefined)
    .map((text) => (text === undefined ? null : raw(text))),
  fc
    .dictionary(fc.oneof(pollutingKeys, fc.string({ maxLength: 10 })), hostileValues, {
      maxKeys: 4,
    })
    .map((entries) => entries as JsonObject),
);

/**
 * Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD, as it does on the
 * wire), keeping only RFC 3986's unreserved characters; `encodeURIComponent` throws on those.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** A path segment as it goes into a REST URL (already percent-encoded where it must be). */
export const hostileSegments = fc.oneof(
  hostileStrings.filter((text) => text.length <= 20_000).map(percentEncode),
  fc.constantFrom('%00', '%ff', '%C0%AF', '%2e%2e', '%2F', 'a%2Fb', '%', '%zz', ';x', '*', '~'),
  fc.uuid().map((id) => id.toUpperCase()),
);
