import { InvalidArgumentError } from '@commander-js/extra-typings';
import {
  EVENT_TYPES,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  isEventType,
  ORDER_LIMITS,
  REFUND_REASONS,
  type EventType,
  type RefundReason,
} from '@orders/core';
import type { Order } from './api-client.js';

/**
 * Parsers for option values. Each throws commander's InvalidArgumentError, which becomes a usage
 * error (exit 2) naming the option — before any request is sent.
 */

/** A whole number within bounds, written in plain digits (no `1e3`, no `12.0`). */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const trimmed = value.trim();
    const n = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** A signed change, never zero: `--delta -3`. */
export function nonZeroInteger(limit: number) {
  const parse = wholeNumber(-limit, limit);
  return (value: string): number => {
    const n = parse(value);
    if (n === 0) throw new InvalidArgumentError('a change of 0 changes nothing');
    return n;
  };
}

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * A repeatable `SKU=QTY` option (`--item`, `--restock`): each value is added to those before it.
 * The server refuses a SKU on two lines, so a repeated SKU (in any letter case: SKUs are
 * upper-case) adds to the quantity already asked for.
 */
function skuQuantities(flag: string, maxQuantity: number) {
  const quantity = wholeNumber(1, maxQuantity);
  return (value: string, previous: readonly OrderItem[] = []): OrderItem[] => {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(value);
    if (!match?.[1] || match[2] === undefined) {
      throw new InvalidArgumentError(`expected SKU=QTY, e.g. ${flag} KEYBOARD-01=2`);
    }
    const sku = match[1].toUpperCase();
    const qty = quantity(match[2]);
    const known = previous.find((item) => item.sku === sku);
    if (!known) return [...previous, { sku, quantity: qty }];
    return previous.map((item) => (item === known ? { sku, quantity: item.quantity + qty } : item));
  };
}

/** One `--item SKU=QTY` of `order create`. */
export const collectItem = skuQuantities('--item', 1_000_000);

/** One `--restock SKU=QTY` of `refund`: at most what one order line can hold. */
export const collectRestock = skuQuantities('--restock', ORDER_LIMITS.maxQuantity);

/** The server's bound on one refund's amount (refunds.router.ts). */
const MAX_REFUND_CENTS = 100_000_000_000;

/** `--amount 1250`: a positive whole number of cents, never `12.50`. */
export function parseAmountCents(value: string): number {
  const trimmed = value.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_REFUND_CENTS) {
    throw new InvalidArgumentError(
      'expected a positive whole number of cents, e.g. --amount 1250 for $12.50',
    );
  }
  return n;
}

/** `--reason duplicate`; `requested-by-customer` and any letter case read as Stripe's words. */
export function parseRefundReason(value: string): RefundReason {
  const wanted = value.trim().toLowerCase().replaceAll('-', '_');
  const reason = REFUND_REASONS.find((r) => r === wanted);
  if (reason === undefined) {
    throw new InvalidArgumentError(`expected one of ${REFUND_REASONS.join(', ')}`);
  }
  return reason;
}

/** The server's bound on a refund's note (refunds.router.ts). */
export const MAX_NOTE_LENGTH = 500;

/** `--note "one mug came broken"`: kept with the refund, at most 500 characters. */
export function parseNote(value: string): string {
  const note = value.trim();
  if (note.length > MAX_NOTE_LENGTH) {
    throw new InvalidArgumentError(`expected at most ${MAX_NOTE_LENGTH} characters`);
  }
  return note;
}

export interface CardExpiry {
  readonly expMonth: number;
  /** Four digits. */
  readonly expYear: number;
}

/** `MM/YY` or `MM/YYYY` (`12/30`, `1/2031`); two-digit years are 20xx, as printed on cards. */
export function parseExpiry(value: string): CardExpiry {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(value);
  const month = Number(match?.[1]);
  const year = Number(match?.[2]);
  if (!match || month < 1 || month > 12) {
    throw new InvalidArgumentError('expected MM/YY, e.g. 12/30');
  }
  return { expMonth: month, expYear: year < 100 ? 2000 + year : year };
}

type OrderStatus = Order['status'];
/** Every order status; `satisfies` makes a status added on the server fail to compile here. */
const ORDER_STATUSES = {
  PENDING: true,
  CONFIRMED: true,
  FAILED: true,
  CANCELLED: true,
  PARTIALLY_REFUNDED: true,
  REFUNDED: true,
} as const satisfies Record<OrderStatus, true>;

/** `--status pending` → `PENDING`; anything that is not a status is refused, listing them. */
export function orderStatus(value: string): OrderStatus {
  const status = value.trim().toUpperCase();
  if (!Object.hasOwn(ORDER_STATUSES, status)) {
    throw new InvalidArgumentError(`expected one of ${Object.keys(ORDER_STATUSES).join(', ')}`);
  }
  return status as OrderStatus;
}

/**
 * What the server takes for an id (zod's `z.uuid()`: RFC 9562, any version, or the nil and max
 * uuids), so a mistyped id is refused here, before `pay` announces an idempotency key that no
 * retry could use.
 */
const SERVER_UUID =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;

/** A uuid the server issued, as `what` (`an order id`), refused before anything is sent. */
function serverId(what: string) {
  return (value: string): string => {
    const id = value.trim();
    if (!SERVER_UUID.test(id)) {
      throw new InvalidArgumentError(
        `expected ${what} such as 7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f`,
      );
    }
    return id;
  };
}

/** An order id as the server issues it: `7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f`. */
export const parseOrderId = serverId('an order id');

/** A webhook endpoint's id (the ID column of `webhooks list`). */
export const parseEndpointId = serverId(
  'a webhook endpoint id (the ID of `ordersctl webhooks list`)',
);

/** `--cursor` of `webhooks deliveries`: the `nextCursor` of the page before (a delivery's id). */
export const parseDeliveryCursor = serverId('a cursor (the nextCursor of the page before)');

/** An idempotency key the server accepts: 1–255 characters, no NUL. */
export function parseIdempotencyKey(value: string): string {
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX_LENGTH || value.includes('\u0000')) {
    throw new InvalidArgumentError(`expected 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  }
  return value;
}

/**
 * One `--type` of `events`, added to those before it: `order.confirmed`, in any letter case, or
 * several at once separated by commas (`--type order.created,order.confirmed`). A name that is no
 * event type is refused, listing them all.
 */
export function collectEventType(value: string, previous: readonly EventType[] = []): EventType[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !isEventType(name));
  if (unknown.length > 0) {
    const what = unknown.map((name) => (name === '' ? '""' : name)).join(', ');
    throw new InvalidArgumentError(
      `${what} is not an event type; expected one of ${EVENT_TYPES.join(', ')}`,
    );
  }
  const types = names.filter(isEventType);
  return [
    ...previous,
    ...types.filter((type, i) => !previous.includes(type) && types.indexOf(type) === i),
  ];
}

/**
 * An event cursor as the server hands them out (`packages/db` `event-cursor.ts`): `<xid>-<seq>`,
 * two canonical decimals within `xid8` and `bigint`. Checked here so a mistyped `--after` is
 * refused before anything is sent, rather than as a server error.
 */
const EVENT_CURSOR = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,18})$/;
const XID8_MAX = 2n ** 64n - 1n;
const BIGINT_MAX = 2n ** 63n - 1n;

/** `--after 7519-42`: the CURSOR of the last event seen (or `cursor` in `--json`). */
export function parseEventCursor(value: string): string {
  const cursor = value.trim();
  const [, xid, seq] = EVENT_CURSOR.exec(cursor) ?? [];
  if (
    xid === undefined ||
    seq === undefined ||
    BigInt(xid) > XID8_MAX ||
    BigInt(seq) > BIGINT_MAX
  ) {
    throw new InvalidArgumentError(
      'expected an event cursor such as 7519-42 (the CURSOR column of `ordersctl events`, or `cursor` in its --json)',
    );
  }
  return cursor;
}
