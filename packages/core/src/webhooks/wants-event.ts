// Which events an endpoint subscribes to. Pure.

/** `types` null or empty → every event; else exact type names, or a `prefix.*` wildcard. */
export function wantsEvent(types: readonly string[] | null, eventType: string): boolean {
  if (types === null || types.length === 0) return true;
  return types.some((t) =>
    t === '*' ? true : t.endsWith('.*') ? eventType.startsWith(t.slice(0, -1)) : t === eventType,
  );
}
