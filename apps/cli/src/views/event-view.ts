import type { ChalkInstance } from 'chalk';
import { formatMoney } from '../money.js';
import { formatTable } from '../table.js';
import { formatInstant, paintStatus, plural } from './labels.js';

/**
 * What the views read of an event envelope (DESIGN §2 Events). `object` is the order, payment,
 * refund or product exactly as the API returns it and `previous` the old values of the fields
 * that changed; both are read as plain JSON, field by field, so an event of a type this CLI does
 * not know yet still prints.
 */
export interface EventLike {
  readonly type: string;
  readonly createdAt: string;
  readonly cursor: string;
  readonly aggregate: { readonly type: string; readonly id: string; readonly version: number };
  readonly data: {
    readonly object: unknown;
    readonly previous: unknown;
    readonly reason?: unknown;
  };
}

type Fields = Readonly<Record<string, unknown>>;
const fieldsOf = (value: unknown): Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** One changed field: `status PENDING → CONFIRMED`, or `status CONFIRMED` when its old value is unknown. */
function change(label: string, before: string | undefined, after: string | undefined): string {
  return before === undefined ? `${label} ${after ?? '?'}` : `${label} ${before} → ${after ?? '?'}`;
}

/** `$32.49` from a cents field of `fields`, in its currency; undefined when there is none. */
function moneyOf(fields: Fields, name: string): string | undefined {
  const cents = fields[name];
  const currency = textOf(fields.currency) ?? 'USD';
  return typeof cents === 'number' && Number.isSafeInteger(cents)
    ? formatMoney(cents, currency)
    : undefined;
}

/** The status move of the event's subject: `status PROCESSING → SUCCESS`. */
function statusChange(object: Fields, previous: Fields, style: ChalkInstance): string {
  const after = textOf(object.status);
  const before = textOf(previous.status);
  return change(
    'status',
    before === undefined ? undefined : paintStatus(before, style),
    after === undefined ? undefined : paintStatus(after, style),
  );
}

const joined = (...parts: (string | undefined | false)[]): string =>
  parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');

/** Order moves where the order's total is not what moved: a refund's amount is the refund's. */
const REFUND_MOVES: readonly string[] = ['order.partially_refunded', 'order.refunded'];

function orderSummary(event: EventLike, object: Fields, previous: Fields, style: ChalkInstance) {
  const total = REFUND_MOVES.includes(event.type) ? undefined : moneyOf(object, 'totalCents');
  if (event.type === 'order.created') {
    const lines = Array.isArray(object.lines) ? object.lines.map(fieldsOf) : [];
    const items = lines.reduce((n, l) => n + (typeof l.quantity === 'number' ? l.quantity : 0), 0);
    return joined(statusChange(object, previous, style), total, plural(items, 'item'));
  }
  const reason = textOf(event.data.reason);
  const why = reason === 'customer' ? 'by the customer' : reason;
  return joined(statusChange(object, previous, style), why, total);
}

/**
 * `attempt 2 ERROR gateway_timeout · retry at 14:03:09Z`: the attempt that failed, and when the
 * next one is due if there is one (a final failure has its own `payment.failed`).
 */
function failedAttempt(object: Fields, style: ChalkInstance): string {
  const attempts = Array.isArray(object.attempts) ? object.attempts.map(fieldsOf) : [];
  const last = attempts.at(-1) ?? {};
  const code = textOf(last.code);
  const number = textOf(last.number) ?? String(attempts.length);
  const outcome = paintStatus(textOf(last.outcome) ?? '?', style);
  const next = textOf(object.nextAttemptAt);
  return joined(
    `attempt ${number} ${outcome}${code === undefined ? '' : ` ${code}`}`,
    object.status === 'RETRY' && next !== undefined && `retry at ${formatInstant(next).slice(11)}`,
  );
}

function paymentSummary(event: EventLike, object: Fields, previous: Fields, style: ChalkInstance) {
  const amount = moneyOf(object, 'amountCents');
  const card = fieldsOf(object.card);
  switch (event.type) {
    case 'payment.created':
      return joined(
        amount,
        card.last4 !== undefined && `${textOf(card.brand) ?? 'card'} •••• ${textOf(card.last4)}`,
        statusChange(object, {}, style),
      );
    case 'payment.attempt_failed':
      return failedAttempt(object, style);
    default:
      return joined(statusChange(object, previous, style), textOf(object.failureCode), amount);
  }
}

/** `1 × MUG, 2 × TEE`. */
function restockOf(object: Fields): string | undefined {
  const restock = Array.isArray(object.restock) ? object.restock.map(fieldsOf) : [];
  if (restock.length === 0) return undefined;
  return restock.map((r) => `${textOf(r.quantity) ?? '?'} × ${textOf(r.sku) ?? '?'}`).join(', ');
}

function refundSummary(event: EventLike, object: Fields, previous: Fields, style: ChalkInstance) {
  const amount = moneyOf(object, 'amountCents');
  const restock = restockOf(object);
  switch (event.type) {
    case 'refund.created':
      return joined(amount, textOf(object.reason), statusChange(object, {}, style));
    case 'refund.succeeded':
      return joined(
        statusChange(object, previous, style),
        amount,
        restock && `${restock} restocked`,
      );
    default:
      return joined(statusChange(object, previous, style), textOf(object.failureCode), amount);
  }
}

/** A product's change: its name, price and count on hand, old → new (a new one: what it is). */
function productSummary(object: Fields, previous: Fields): string {
  const sku = textOf(object.sku) ?? '?';
  const price = (fields: Fields) => moneyOf({ ...fields, currency: object.currency }, 'priceCents');
  const name = (fields: Fields) => {
    const text = textOf(fields.name);
    return text === undefined ? undefined : JSON.stringify(text);
  };
  if (Object.keys(previous).length === 0) {
    return joined(sku, name(object), price(object), `${textOf(object.onHand) ?? '?'} on hand`);
  }
  const changes = [
    'name' in previous && change('name', name(previous), name(object)),
    'priceCents' in previous && change('price', price(previous), price(object)),
    'onHand' in previous && change('on hand', textOf(previous.onHand), textOf(object.onHand)),
  ];
  return joined(sku, ...changes);
}

/**
 * What changed, in one line: `status PENDING → CONFIRMED · $32.49`, `attempt 1 DECLINED
 * card_declined`, `MUG · price $12.50 → $14.00`. Events of a type this CLI does not know list the
 * fields that changed.
 */
export function eventSummary(event: EventLike, style: ChalkInstance): string {
  const object = fieldsOf(event.data.object);
  const previous = fieldsOf(event.data.previous);
  switch (event.aggregate.type) {
    case 'order':
      return orderSummary(event, object, previous, style);
    case 'payment':
      return paymentSummary(event, object, previous, style);
    case 'refund':
      return refundSummary(event, object, previous, style);
    case 'product':
      return productSummary(object, previous);
    default: {
      const changed = Object.keys(previous);
      return changed.length === 0 ? '' : `changed ${changed.join(', ')}`;
    }
  }
}

/** A page of events, oldest first, one per row, with the cursor to resume after each. */
export function eventTable(events: readonly EventLike[], style: ChalkInstance): string[] {
  return formatTable(
    events,
    [
      { header: 'TIME', value: (e) => formatInstant(e.createdAt) },
      { header: 'TYPE', value: (e) => e.type },
      { header: 'AGGREGATE', value: (e) => e.aggregate.id },
      { header: 'VER', value: (e) => String(e.aggregate.version), align: 'right' },
      { header: 'CHANGE', value: (e) => eventSummary(e, style) },
      { header: 'CURSOR', value: (e) => e.cursor },
    ],
    style,
  );
}

/** The longest event type (`order.partially_refunded`): the live lines' type column. */
const TYPE_WIDTH = 24;
/** A uuid: every aggregate id the server hands out. */
const ID_WIDTH = 36;

/**
 * One event as it happens (`events --follow`): the columns of {@link eventTable} on one line,
 * padded to fixed widths since later lines cannot be measured in advance.
 */
export function eventLine(event: EventLike, style: ChalkInstance): string {
  return [
    formatInstant(event.createdAt),
    event.type.padEnd(TYPE_WIDTH),
    event.aggregate.id.padEnd(ID_WIDTH),
    `v${event.aggregate.version}`.padStart(4),
    eventSummary(event, style),
    style.dim(event.cursor),
  ]
    .filter((part) => part !== '')
    .join('  ');
}
