import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { formatTable, type Column } from './table.js';

interface Row {
  readonly sku: string;
  readonly qty: number;
}
const columns: Column<Row>[] = [
  { header: 'SKU', value: (r) => r.sku },
  { header: 'QTY', value: (r) => String(r.qty), align: 'right' },
];
const plain = new Chalk({ level: 0 });

describe('formatTable', () => {
  it('pads every column to its widest cell and right-aligns numbers', () => {
    const rows = [
      { sku: 'MUG', qty: 2 },
      { sku: 'KEYBOARD-01', qty: 100 },
    ];
    expect(formatTable(rows, columns, plain)).toEqual([
      'SKU          QTY',
      'MUG            2',
      'KEYBOARD-01  100',
    ]);
  });

  it('measures coloured cells by what shows, so colour does not break the alignment', () => {
    const coloured = new Chalk({ level: 1 });
    const rows = [{ sku: coloured.green('OK'), qty: 1 }];
    const lines = formatTable(rows, columns, coloured).map((l) => stripVTControlCharacters(l));
    expect(lines).toEqual(['SKU  QTY', 'OK     1']);
  });

  it('prints only the header for no rows, indented when asked', () => {
    expect(formatTable([], columns, plain, '  ')).toEqual(['  SKU  QTY']);
  });
});
