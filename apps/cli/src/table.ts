import { stripVTControlCharacters } from 'node:util';

/** Only the header is styled (dim); a ChalkInstance fits, or `PLAIN` for no styling. */
export interface TableStyle {
  dim(text: string): string;
}
export const PLAIN: TableStyle = { dim: (text) => text };

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  /** Numbers and money read best right-aligned. */
  readonly align?: 'left' | 'right';
}

/**
 * Rows under a header, each column as wide as its widest cell. Widths are measured without
 * colour codes, so a coloured status lines up with a plain one. No trailing spaces.
 */
export function formatTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  style: TableStyle,
  indent = '',
): string[] {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(visibleWidth(column.header), ...cells.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const line = (values: readonly string[], paint: (text: string) => string = (t) => t) =>
    indent +
    values
      .map((value, i) => {
        const gap = ' '.repeat((widths[i] ?? 0) - visibleWidth(value));
        return columns[i]?.align === 'right' ? gap + paint(value) : paint(value) + gap;
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      (text) => style.dim(text),
    ),
    ...cells.map((row) => line(row)),
  ];
}

/** Columns a string takes on a terminal, colour codes aside. */
export function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}
