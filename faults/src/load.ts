import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { invoke, isDefinite, type Caller, type Outcome } from './clients.js';
import type { CardKind, History } from './history.js';
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
  /** The share of `pay` calls made with a deadline too short to see the answer. */
  readonly shortTimeoutRate: number;
  /** The share of orders placed without an idempotency key (never retried; see `checkout`). */
  readonly keylessOrderRate: number;
}

const NORMAL_TIMEOUT_MS = 5_000;
const SHORT_TIMEOUT_MS = 50;
const FINAL_STATUSES = new Set(['SUCCESS', 'FAILED_FINAL']);

/** Checkouts, one after another, until the load ends. */
export async function runCustomer(customer: Customer, ctx: LoadContext): Promise<void> {
  while (Date.now() < ctx.until) {
    const ended = await checkout(customer, ctx, () => pickLiveInstance(ctx.fleet));
    // Out of stock, say: pause rather than spin.
    if (!FINAL_STATUSES.has(ended)) await sleep(randomBetween(50, 150));
  }
}

/**
 * orders.create (one line, a random SKU) then payments.pay (a random card of the customer's),
 * each retried with its key until the answer is definite, then `payments.get` until the payment
 * is final. A share of the orders (`keylessOrderRate`) is placed without a key instead: a retry
 * of one whose outcome is unknown could place a second order, so it is not retried, and the
 * checkout ends there, unpaid. `route` picks the instance of each call. Returns the payment's
 * last known status, or where and why the checkout stopped short
 * (`createOrder: INVENTORY.INSUFFICIENT_STOCK`, `createOrderKeyless: unknown (timeout)`).
 */
export async function checkout(
  customer: Customer,
  ctx: LoadContext,
  route: () => ServerInstance,
): Promise<string> {
  const sku = pick(ctx.skus);
  const orderKey = Math.random() < ctx.keylessOrderRate ? undefined : `order-${randomUUID()}`;
  const order =
    orderKey === undefined
      ? await createOrder(customer, ctx, route(), sku, undefined)
      : await untilDefinite(ctx, () => createOrder(customer, ctx, route(), sku, orderKey));
  if (order.result !== 'ok') {
    return `${orderKey === undefined ? 'createOrderKeyless' : 'createOrder'}: ${describe(order)}`;
  }

  const orderId = order.value.id;
  const card = pick(customer.kinds);
  const payKey = `pay-${randomUUID()}`;
  const payment = await untilDefinite(ctx, () => {
    const timeoutMs = Math.random() < ctx.shortTimeoutRate ? SHORT_TIMEOUT_MS : NORMAL_TIMEOUT_MS;
    return invoke(
      ctx.history,
      customer,
      route(),
      { op: 'pay', key: payKey, input: { orderId, card, timeoutMs } },
      (client, signal) =>
        client.payments.pay.mutate(
          { orderId, paymentMethod: cardFor(customer, card), idempotencyKey: payKey },
          { signal },
        ),
    );
  });
  if (payment.result !== 'ok') return `pay: ${describe(payment)}`;
  if (FINAL_STATUSES.has(payment.value.status)) return payment.value.status;
  return awaitFinal(customer, ctx, orderId, route);
}

/** One orders.create call for a unit of `sku`, with `key` as its idempotency key if there is one. */
function createOrder(
  customer: Customer,
  ctx: LoadContext,
  instance: ServerInstance,
  sku: string,
  key: string | undefined,
) {
  const input = { sku, timeoutMs: NORMAL_TIMEOUT_MS };
  return invoke(
    ctx.history,
    customer,
    instance,
    key === undefined
      ? { op: 'createOrderKeyless', key: null, input }
      : { op: 'createOrder', key, input },
    (client, signal) =>
      client.orders.create.mutate(
        { items: [{ sku, quantity: 1 }], ...(key === undefined ? {} : { idempotencyKey: key }) },
        { signal },
      ),
  );
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
async function untilDefinite<T>(
  ctx: LoadContext,
  attempt: () => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  for (;;) {
    const outcome = await attempt();
    if (isDefinite(outcome) || Date.now() >= ctx.resolveBy) return outcome;
    await sleep(randomBetween(150, 400));
  }
}

function describe<T>(outcome: Exclude<Outcome<T>, { result: 'ok' }>): string {
  return outcome.result === 'error' ? outcome.code : `unknown (${outcome.reason})`;
}

function cardFor(customer: Customer, kind: CardKind) {
  const number = {
    approve: customer.approveCard,
    flaky: TEST_CARDS.timeoutThenApproved,
    decline: TEST_CARDS.declined,
  }[kind];
  return { type: 'card' as const, number, expMonth: 12, expYear: 2099, cvc: '123' };
}

/** A random live instance (any instance while all are down, to record the failure). */
export function pickLiveInstance(fleet: Fleet): ServerInstance {
  const live = fleet.liveInstances();
  return pick(live.length > 0 ? live : fleet.instances);
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('picked from an empty list');
  return item;
}

function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
