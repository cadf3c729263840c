import { randomUUID } from 'node:crypto';
import { invoke, type Caller } from './clients.js';
import {
  describe,
  NORMAL_TIMEOUT_MS,
  pickLiveInstance,
  SHORT_REFUND_TIMEOUT_MS,
  sleep,
  untilDefinite,
  writeTimeoutMs,
  type LoadContext,
  type PaidOrder,
} from './load.js';
import { planRefunds, type PlannedRefund } from './refund-plans.js';

const FINAL_REFUND_STATUSES = new Set(['SUCCEEDED', 'FAILED']);

/**
 * Paid orders waiting for the admin: a share of those offered, oldest first, each once it has
 * waited `delayMs`. The delay keeps a backlog, so refunds go on while a fault (or the nemesis
 * holding a product row, `refund-kill-target.ts`) stalls the checkouts that feed it.
 */
export class RefundQueue {
  private readonly waiting: { readonly order: PaidOrder; readonly at: number }[] = [];

  /** `share`: the fraction of paid orders the admin refunds. */
  constructor(
    private readonly share: number,
    private readonly delayMs: number,
  ) {}

  offer(order: PaidOrder): void {
    if (Math.random() < this.share) this.waiting.push({ order, at: Date.now() });
  }

  take(): PaidOrder | undefined {
    const [first] = this.waiting;
    if (first === undefined || Date.now() - first.at < this.delayMs) return undefined;
    return this.waiting.shift()?.order;
  }
}

/** The admin's loop: takes paid orders and refunds each by a plan of its own, until the load ends. */
export async function runRefunder(admin: Caller, ctx: LoadContext, queue: RefundQueue) {
  while (Date.now() < ctx.until) {
    const order = queue.take();
    if (order === undefined) {
      await sleep(50);
      continue;
    }
    for (const stage of planRefunds(order, Math.random)) {
      const ends = await Promise.all(stage.map((planned) => refund(admin, ctx, order, planned)));
      // An unsettled refund leaves the rest of the plan without a known starting point.
      if (ends.some((status) => !FINAL_REFUND_STATUSES.has(status) && !isRefusal(status))) break;
    }
  }
}

/**
 * One refunds.create, retried with its key (on any live instance) until the answer is definite,
 * then `refunds.list` until the refund is final. Returns the refund's last known status, or the
 * refusal (`REFUND.AMOUNT_EXCEEDS_REFUNDABLE`) or open outcome (`unknown (timeout)`) it ended on.
 */
async function refund(
  admin: Caller,
  ctx: LoadContext,
  order: PaidOrder,
  planned: PlannedRefund,
): Promise<string> {
  const { orderId, sku } = order;
  const { kind, amountCents, restock } = planned;
  const key = `refund-${randomUUID()}`;
  const created = await untilDefinite(ctx, () =>
    invoke(
      ctx.history,
      admin,
      pickLiveInstance(ctx.fleet),
      {
        op: 'refund',
        key,
        input: {
          orderId,
          amountCents,
          restock,
          refund: kind,
          timeoutMs: writeTimeoutMs(ctx, SHORT_REFUND_TIMEOUT_MS),
        },
      },
      (client, signal) =>
        client.refunds.create.mutate(
          {
            orderId,
            ...(amountCents === null ? {} : { amountCents }),
            reason: 'requested_by_customer',
            ...(restock > 0 ? { restock: [{ sku, quantity: restock }] } : {}),
            idempotencyKey: key,
          },
          { signal },
        ),
    ),
  );
  if (created.result !== 'ok') return describe(created);
  const { id, status } = created.value;
  return FINAL_REFUND_STATUSES.has(status) ? status : awaitRefundFinal(admin, ctx, orderId, id);
}

/** Polls `refunds.list` for one refund until it is final or the run's resolution time is over. */
async function awaitRefundFinal(
  admin: Caller,
  ctx: LoadContext,
  orderId: string,
  refundId: string,
): Promise<string> {
  let status = 'unknown';
  while (Date.now() < ctx.resolveBy && !FINAL_REFUND_STATUSES.has(status)) {
    await sleep(200);
    const read = await invoke(
      ctx.history,
      admin,
      pickLiveInstance(ctx.fleet),
      { op: 'listRefunds', key: null, input: { orderId, refundId, timeoutMs: NORMAL_TIMEOUT_MS } },
      async (client, signal) => {
        const refunds = await client.refunds.list.query({ orderId }, { signal });
        // A refund the list lacks is recorded as such: the checks hold it against the database.
        return { id: refundId, status: refunds.find((r) => r.id === refundId)?.status ?? 'ABSENT' };
      },
    );
    if (read.result === 'ok') status = read.value.status;
  }
  return status;
}

function isRefusal(status: string): boolean {
  return status.startsWith('REFUND.');
}
