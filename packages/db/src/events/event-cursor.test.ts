import { describe, expect, it } from 'vitest';
import { formatEventCursor, isEventCursor, parseEventCursor } from './event-cursor.js';

describe('event cursors', () => {
  it('read back the position they were made from', () => {
    expect(parseEventCursor(formatEventCursor('754', '12'))).toEqual({ xid: '754', seq: '12' });
    expect(parseEventCursor(formatEventCursor('0', '0'))).toEqual({ xid: '0', seq: '0' });
  });

  it('take positions up to the largest xid8 and bigint', () => {
    const largest = formatEventCursor('18446744073709551615', '9223372036854775807');
    expect(parseEventCursor(largest)).toEqual({
      xid: '18446744073709551615',
      seq: '9223372036854775807',
    });
  });

  it.each([
    '',
    'abc',
    '1-',
    '-1',
    '1-2-3',
    '1_2',
    ' 1-2',
    '1-2 ',
    '+1-2',
    '1--2',
    '01-2',
    '1-02',
    '1.5-2',
    '1e3-2',
    '١-٢',
    '18446744073709551616-1',
    '1-9223372036854775808',
    '99999999999999999999-1',
    '1-99999999999999999999',
    '123456789012345678901-1',
  ])('refuse %j, which no event could have', (junk) => {
    expect(parseEventCursor(junk)).toBeUndefined();
    expect(isEventCursor(junk)).toBe(false);
  });

  it('accept what formatEventCursor makes', () => {
    expect(isEventCursor(formatEventCursor('3258', '1'))).toBe(true);
  });
});
