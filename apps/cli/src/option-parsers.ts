import { InvalidArgumentError } from '@commander-js/extra-typings';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from '@orders/core';
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

const quantity = wholeNumber(1, 1_000_000);

/**
 * One `--item SKU=QTY`, added to those before it. The server refuses a SKU on two lines, so a
 * repeated SKU (in any letter case: SKUs are upper-case) adds to the quantity already asked for.
 */
export function collectItem(value: string, previous: readonly OrderItem[] = []): OrderItem[] {
  const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(value);
  if (!match?.[1] || match[2] === undefined) {
    throw new InvalidArgumentError('expected SKU=QTY, e.g. --item KEYBOARD-01=2');
  }
  const sku = match[1].toUpperCase();
  const qty = quantity(match[2]);
  const known = previous.find((item) => item.sku === sku);
  if (!known) return [...previous, { sku, quantity: qty }];
  return previous.map((item) => (item === known ? { sku, quantity: item.quantity + qty } : item));
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

/** An order id as the server issues it: `7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f`. */
export function parseOrderId(value: string): string {
  const id = value.trim();
  if (!SERVER_UUID.test(id)) {
    throw new InvalidArgumentError(
      'expected an order id such as 7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
    );
  }
  return id;
}

/** An idempotency key the server accepts: 1–255 characters, no NUL. */
export function parseIdempotencyKey(value: string): string {
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX_LENGTH || value.includes('\u0000')) {
    throw new InvalidArgumentError(`expected 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  }
  return value;
}
