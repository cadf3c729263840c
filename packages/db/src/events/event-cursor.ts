/**
 * An event's place in the outbox, as readers page by it: `<xid>-<seq>`, the id of the transaction
 * that wrote the event (`xid8`, decimal) and the event's sequence number (`bigint`, decimal).
 * Ordered as the pair `(xid, seq)`; see `event.repository.ts` for why that order never skips.
 */
export interface EventPosition {
  readonly xid: string;
  readonly seq: string;
}

const CURSOR = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,18})$/;
const XID8_MAX = 2n ** 64n - 1n;
const BIGINT_MAX = 2n ** 63n - 1n;

/** The cursor of the event at `(xid, seq)`, both as PostgreSQL prints them. */
export function formatEventCursor(xid: string, seq: string): string {
  return `${xid}-${seq}`;
}

/**
 * The position a cursor names, or undefined for anything {@link formatEventCursor} cannot have
 * made: only canonical decimals (no sign, no leading zero) within `xid8` and `bigint`, so a
 * client's cursor never reaches the database as a value it would refuse.
 */
export function parseEventCursor(cursor: string): EventPosition | undefined {
  const match = CURSOR.exec(cursor);
  const [, xid, seq] = match ?? [];
  if (xid === undefined || seq === undefined) return undefined;
  if (BigInt(xid) > XID8_MAX || BigInt(seq) > BIGINT_MAX) return undefined;
  return { xid, seq };
}

/** True for a well-formed event cursor (the server validates `after` with it). */
export function isEventCursor(cursor: string): boolean {
  return parseEventCursor(cursor) !== undefined;
}
