import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { invoke, isDefinite, type Caller, type Outcome } from './clients.js';
import type { CardKind, History } from './history.js';
import type { RefundQueue } from './refund-load.js';
import type { Fleet, ServerInstance } from './servers.js';

/** A logged-in customer and the cards it pays with. */
export interface Customer extends Caller {
  /** Its user id: the checks match the orders it was told of, or may have made, to it. */
  readonly userId: string;
  /** Its own approvable card: a card shared by more than 3 users is refused by fraud rules. */
  readonly approveCard: string;
  /** The kinds it picks from; the shared test cards go to at most 3 customers each. */
  readonly kinds: readonly CardKind[];
}

export interface LoadContext {
  readonly fleet: Fleet;
  readonly history: History;
  readonly skus: readonly string[];
  /** No checkout starts after this (epoch ms). */
  readonly until: number;
  /** An open outcome is retried with the same key until this (epoch ms), then left unknown. */
  readonly resolveBy: number;
  /** The share of `pay` and `refunds.create` calls made with a deadline too short to see the answer. */
  readonly shortTimeoutRate: number;
  /** The share of orders placed without an idempotency key (never retried; see `checkout`). */
  readonly keylessOrderRate: number;
  /** The share of placed orders their customer cancels instead of paying (`order.cancelled`). */
  readonly cancelRate: number;
  /** Where paid orders go for the admin to refund some of them; none for the probe. */
  readonly refunds: RefundQueue | undefined;
}

/** A checkout whose payment ended SUCCESS: what a refund may give back, and to which card. */
export interface PaidOrder {
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  /** What the payment captured. */
  readonly amountCents: number;
  readonly card: CardKind;
}

/** How a checkout ended: the payment's last known status (or where it stopped short). */
export interface CheckoutEnd {
  readonly status: string;
  /** Set when the payment ended SUCCESS. */
  readonly paid?: PaidOrder;
}

export const NORMAL_TIMEOUT_MS = 5_000;
const SHORT_TIMEOUT_MS = 50;
/**
 * A refund answers within a few milliseconds of the database (the gateway's noise is off), so a
 * 50 ms deadline expired on one only by chance (a CI run saw none in 15 s); 5 ms expires while
 * the call is in flight, and the server goes on with it.
 */
export const SHORT_REFUND_TIMEOUT_MS = 5;
const FINAL_STATUSES = new Set(['SUCCESS', 'FAILED_FINAL']);

/** Checkouts, one after another, until the load ends; each paid order is offered for refunds. */
export async function runCustomer(customer: Customer, ctx: LoadContext): Promise<void> {
  while (Date.now() < ctx.until) {
    const ended = await checkout(customer, ctx, () => pickLiveInstance(ctx.fleet));
    if (ended.paid !== undefined) ctx.refunds?.offer(ended.paid);
    // Out of stock, say: pause rather than spin.
    if (!FINAL_STATUSES.has(ended.status)) await sleep(randomBetween(50, 150));
  }
}

/**
 * orders.create (one line, a random SKU, 1–3 units: a refund can then restock part of it) then
 * payments.pay (a random card of the customer's), each retried with its key until the answer is
 * definite, then `payments.get` until the payment is final. A share of the orders
 * (`keylessOrderRate`) is placed without a key instead: a retry of one whose outcome is unknown
 * could place a second order, so it is not retried, and the checkout ends there, unpaid. `route`
 * picks the instance of each call. Returns the payment's last known status, or where and why the
 * checkout stopped short (`createOrder: INVENTORY.INSUFFICIENT_STOCK`,
 * `createOrderKeyless: unknown (timeout)`), and the paid order if it ended SUCCESS. A share of
 * the placed orders (`cancelRate`) is cancelled by its customer instead of paid: `CANCELLED`.
 */
export async function checkout(
  customer: Customer,
  ctx: LoadContext,
  route: () => ServerInstance,
): Promise<CheckoutEnd> {
  const sku = pick(ctx.skus);
  const quantity = pick(QUANTITIES);
  const orderKey = Math.random() < ctx.keylessOrderRate ? undefined : `order-${randomUUID()}`;
  const order =
    orderKey === undefined
      ? await createOrder(customer, ctx, route(), { sku, quantity }, undefined)
      : await untilDefinite(ctx, () =>
          createOrder(customer, ctx, route(), { sku, quantity }, orderKey),
        );
  if (order.result !== 'ok') {
    const op = orderKey === undefined ? 'createOrderKeyless' : 'createOrder';
    return { status: `${op}: ${describe(order)}` };
  }

  const orderId = order.value.id;
  if (Math.random() < ctx.cancelRate) return cancelOrder(customer, ctx, route(), orderId);
  const card = pick(customer.kinds);
  const payKey = `pay-${randomUUID()}`;
  const payment = await untilDefinite(ctx, () =>
    invoke(
      ctx.history,
      customer,
      route(),
      { op: 'pay', key: payKey, input: { orderId, card, timeoutMs: writeTimeoutMs(ctx) } },
      (client, signal) =>
        client.payments.pay.mutate(
          { orderId, paymentMethod: cardFor(customer, card), idempotencyKey: payKey },
          { signal },
        ),
    ),
  );
  if (payment.result !== 'ok') return { status: `pay: ${describe(payment)}` };
  const status = FINAL_STATUSES.has(payment.value.status)
    ? payment.value.status
    : await awaitFinal(customer, ctx, orderId, route);
  if (status !== 'SUCCESS') return { status };
  const amountCents = payment.value.amountCents;
  return { status, paid: { orderId, sku, quantity, amountCents, card } };
}

/**
 * A keyed write's deadline: a share of them (`shortTimeoutRate`) too short to see the answer,
 * `shortMs` (a payment waits on the gateway's latency, a refund only on the database).
 */
export function writeTimeoutMs(ctx: LoadContext, shortMs = SHORT_TIMEOUT_MS): number {
  return Math.random() < ctx.shortTimeoutRate ? shortMs : NORMAL_TIMEOUT_MS;
}

/** Units per order: mostly one, often more. */
const QUANTITIES = [1, 1, 1, 1, 1, 2, 2, 2, 3, 3] as const;

/** One orders.create call, with `key` as its idempotency key if there is one. */
function createOrder(
  customer: Customer,
  ctx: LoadContext,
  instance: ServerInstance,
  line: { readonly sku: string; readonly quantity: number },
  key: string | undefined,
) {
  const input = { ...line, timeoutMs: NORMAL_TIMEOUT_MS };
  return invoke(
    ctx.history,
    customer,
    instance,
    key === undefined
      ? { op: 'createOrderKeyless', key: null, input }
      : { op: 'createOrder', key, input },
    (client, signal) =>
      client.orders.create.mutate(
        { items: [line], ...(key === undefined ? {} : { idempotencyKey: key }) },
        { signal },
      ),
  );
}

/**
 * One orders.cancel of a PENDING order with no payment, not retried: a retry after an unknown
 * outcome would meet ORDER.NOT_PENDING if the first one went through.
 */
async function cancelOrder(
  customer: Customer,
  ctx: LoadContext,
  instance: ServerInstance,
  orderId: string,
): Promise<CheckoutEnd> {
  const cancelled = await invoke(
    ctx.history,
    customer,
    instance,
    { op: 'cancelOrder', key: null, input: { orderId, timeoutMs: NORMAL_TIMEOUT_MS } },
    (client, signal) => client.orders.cancel.mutate({ id: orderId }, { signal }),
  );
  return {
    status:
      cancelled.result === 'ok' ? cancelled.value.status : `cancelOrder: ${describe(cancelled)}`,
  };
}

/** Polls `payments.get` until the payment is final or the run's resolution time is over. */
async function awaitFinal(
  customer: Customer,
  ctx: LoadContext,
  orderId: string,
  route: () => ServerInstance,
): Promise<string> {
  let status = 'unknown';
  while (Date.now() < ctx.resolveBy) {
    await sleep(200);
    const read = await invoke(
      ctx.history,
      customer,
      route(),
      { op: 'getPayment', key: null, input: { orderId, timeoutMs: NORMAL_TIMEOUT_MS } },
      (client, signal) => client.payments.get.query({ orderId }, { signal }),
    );
    if (read.result === 'ok') status = read.value.status;
    if (FINAL_STATUSES.has(status)) break;
  }
  return status;
}

/** Repeats the same call (same key) after a pause while its outcome stays open. */
export async function untilDefinite<T>(
  ctx: LoadContext,
  attempt: () => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  for (;;) {
    const outcome = await attempt();
    if (isDefinite(outcome) || Date.now() >= ctx.resolveBy) return outcome;
    await sleep(randomBetween(150, 400));
  }
}

export function describe<T>(outcome: Exclude<Outcome<T>, { result: 'ok' }>): string {
  return outcome.result === 'error' ? outcome.code : `unknown (${outcome.reason})`;
}

function cardFor(customer: Customer, kind: CardKind) {
  const number = {
    approve: customer.approveCard,
    flaky: TEST_CARDS.timeoutThenApproved,
    decline: TEST_CARDS.declined,
    refundFails: TEST_CARDS.refundFails,
  }[kind];
  return { type: 'card' as const, number, expMonth: 12, expYear: 2099, cvc: '123' };
}

/** A random live instance (any instance while all are down, to record the failure). */
export function pickLiveInstance(fleet: Fleet): ServerInstance {
  const live = fleet.liveInstances();
  return pick(live.length > 0 ? live : fleet.instances);
}

export function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('picked from an empty list');
  return item;
}

export function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
