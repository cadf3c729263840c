import { canonicalJson } from '../shared/canonical-json.js';

/**
 * The `previous` of an event (Stripe's `previous_attributes`): each top-level field of `after`
 * whose value differs from `before`'s, with `before`'s value. Compared as canonical JSON, so
 * equal arrays and objects are equal. A creation has no `before`: `{}`.
 */
export function previousValues<T extends object>(
  before: T | null,
  after: T,
): Record<string, unknown> {
  if (before === null) return {};
  const [old, now] = [before as Record<string, unknown>, after as Record<string, unknown>];
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(now)) {
    const value = old[key] ?? null;
    if (canonicalJson(value) !== canonicalJson(now[key] ?? null)) previous[key] = value;
  }
  return previous;
}
