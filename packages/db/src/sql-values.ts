/**
 * `(?, ?, ?), (?, ?, ?)` for a multi-row `insert … values`: one statement instead of one round
 * trip per row. Values are always bound, never spliced into the SQL.
 */
export function valuesPlaceholders(rows: number, columns: number): string {
  if (rows < 1 || columns < 1)
    throw new RangeError('a values list needs at least one row and column');
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** A `timestamptz` from a raw query: the driver hands it over as text. */
export type DbTime = Date | string;

/** Epoch ms of a raw `timestamptz` value. */
export function epoch(value: DbTime): number {
  return (value instanceof Date ? value : new Date(value)).getTime();
}
