import fc from 'fast-check';
import type { HostileCase } from './hostile-request.js';
import {
  hostileValues,
  nulStrings,
  pollutingKeys,
  RawJson,
  type JsonObject,
  type JsonTree,
} from './hostile-values.js';

/** Ways to spoil a valid input, and bodies that are not JSON. */

export type Framing = NonNullable<HostileCase['framing']>;

type Path = readonly (string | number)[];

/** Every place in a tree a poison can go: each field, item and nested object, not the root. */
function placesIn(tree: JsonTree, at: Path = []): Path[] {
  if (tree === null || typeof tree !== 'object' || tree instanceof RawJson) return [];
  const children: [string | number, JsonTree][] = Array.isArray(tree)
    ? tree.map((item: JsonTree, index) => [index, item])
    : Object.entries(tree as JsonObject);
  return children.flatMap(([key, child]) => [[...at, key], ...placesIn(child, [...at, key])]);
}

const REMOVE = Symbol('remove');

function setAt(tree: JsonTree, path: Path, value: JsonTree | typeof REMOVE): JsonTree {
  const [head, ...rest] = path;
  if (head === undefined) return value === REMOVE ? null : value;
  if (Array.isArray(tree)) {
    const copy: JsonTree[] = [...(tree as JsonTree[])];
    if (typeof head === 'number') {
      if (value === REMOVE && rest.length === 0) copy.splice(head, 1);
      else copy[head] = setAt(copy[head] ?? null, rest, value);
    }
    return copy;
  }
  const copy: Record<string, JsonTree> = { ...(tree as JsonObject) };
  const key = String(head);
  if (value === REMOVE && rest.length === 0) Reflect.deleteProperty(copy, key);
  // defineProperty, so that a key named `__proto__` becomes an own field, as JSON.parse makes it.
  else
    Object.defineProperty(copy, key, {
      value: setAt(copy[key] ?? null, rest, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

type Poison = (tree: JsonTree) => JsonTree;

const replacing =
  ([path, value]: readonly [Path, JsonTree]): Poison =>
  (tree) =>
    setAt(tree, path, value);
const removing =
  (path: Path): Poison =>
  (tree) =>
    setAt(tree, path, REMOVE);

/** The valid input with one to three poisons: a field replaced or removed, or a key added. */
export function poisoned(valid: JsonObject, storedText: readonly string[]): fc.Arbitrary<JsonTree> {
  const places = placesIn(valid);
  const objects: Path[] = [[], ...places.filter((path) => isObjectAt(valid, path))];
  const replace = fc.tuple(fc.constantFrom(...places), hostileValues);
  const textFields = storedText.map((field): Path => [field]);
  const nulInText =
    textFields.length > 0 ? fc.tuple(fc.constantFrom(...textFields), nulStrings) : replace;
  const addKey = fc
    .tuple(fc.constantFrom(...objects), fc.oneof(pollutingKeys, fc.string({ maxLength: 8 })))
    .map(([path, key]): Path => [...path, key]);
  const poison = fc.oneof(
    { weight: 4, arbitrary: replace.map(replacing) },
    { weight: 2, arbitrary: nulInText.map(replacing) },
    { weight: 1, arbitrary: fc.constantFrom(...places).map(removing) },
    { weight: 1, arbitrary: fc.tuple(addKey, hostileValues).map(replacing) },
  );
  return fc
    .array(poison, { minLength: 1, maxLength: 3 })
    .map((poisons) => poisons.reduce((tree: JsonTree, apply) => apply(tree), valid));
}

function isObjectAt(tree: JsonTree, path: Path): boolean {
  const value = path.reduce<unknown>(
    (node, key) => (node as Record<string, unknown> | undefined)?.[key],
    tree,
  );
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MEDIA_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  undefined,
];

/** Bodies that are not JSON, and JSON under types that are not JSON (CSRF-able ones among them). */
export function framings(valid: string): fc.Arbitrary<Framing> {
  const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
  const json = (body: Uint8Array) => ({ body, contentType: 'application/json' });
  return fc.oneof(
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((cut) => json(bytes(valid.slice(0, cut)))),
    fc.constantFrom(' x', '}', ',', ']]', '\u0000', '{}').map((tail) => json(bytes(valid + tail))),
    fc
      .constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xfe, 0xff])
      .map((bad) =>
        json(
          Uint8Array.from([
            ...Buffer.from(valid.slice(0, 1)),
            ...bad,
            ...Buffer.from(valid.slice(1)),
          ]),
        ),
      ),
    fc
      .constantFrom(
        'NaN',
        'Infinity',
        "{'a':1}",
        '{"a":1,}',
        '[1,]',
        '{"a" 1}',
        '"\\u00',
        'nul',
        '\u0000{}',
        '{"a":1}{"a":2}',
      )
      .map((text) => json(bytes(text))),
    fc.constantFrom(...MEDIA_TYPES).map((contentType) => ({
      body: bytes(valid),
      ...(contentType === undefined ? {} : { contentType }),
    })),
  );
}
