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

/** Row counts whose statements are kept (an order has at most 50 lines). */
const KEPT_ROW_COUNTS = 64;

/**
 * A statement whose text depends only on a row count (a multi-row `values` list), built once per
 * count: the same text every time, not a new string to build and to look up again in the
 * statement caches on each call.
 */
export function statementForRows(build: (rows: number) => string): (rows: number) => string {
  const built = new Map<number, string>();
  return (rows) => {
    let sql = built.get(rows);
    if (sql === undefined) {
      sql = build(rows);
      if (rows <= KEPT_ROW_COUNTS) built.set(rows, sql);
    }
    return sql;
  };
}

/** A `timestamptz` from a raw query: the driver hands it over as text. */
export type DbTime = Date | string;

/** Epoch ms of a raw `timestamptz` value. */
export function epoch(value: DbTime): number {
  return (value instanceof Date ? value : new Date(value)).getTime();
}
