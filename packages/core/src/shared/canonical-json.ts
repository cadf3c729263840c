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
  // Plain loops and string building: this runs for every chained attempt, capture and keyed
  // request.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      if (out.length > 1) out += ',';
      out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`cannot serialise a value of type ${typeof value}`);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
