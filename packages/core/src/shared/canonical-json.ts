/**
 * Canonical JSON: object keys in ascending code-unit order, no whitespace, properties whose value
 * is `undefined` left out. The same data always gives the same string, whatever order it was
 * built in, so it can be hashed (ledger chain, idempotency fingerprints).
 *
 * Only JSON data is accepted: a non-finite number, a function, a symbol, a bigint, `undefined` in
 * an array or a non-plain object (Date, Map, class instance) is a caller bug and throws.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot serialise ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const members = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const member: unknown = (value as Record<string, unknown>)[key];
        return member === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(member)}`];
      });
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`cannot serialise a value of type ${typeof value}`);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
