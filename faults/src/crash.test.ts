import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, ORDER_STOCK_INVARIANT, STOCK_INVARIANT } from './checks.js';
import { startEnvironment, Teardown, type Environment } from './environment.js';
import {
  EVENT_OBJECT_INVARIANT,
  EVENT_OWNER_INVARIANT,
  EVENT_VERSION_INVARIANT,
  EVENTS_API_INVARIANT,
  ORDER_CREATED_EVENT_INVARIANT,
  ORDER_MOVE_EVENT_INVARIANT,
  ORDER_REFUND_EVENT_INVARIANT,
  PAYMENT_EVENT_INVARIANT,
  PRODUCT_EVENT_INVARIANT,
  REFUND_EVENT_INVARIANT,
} from './event-checks.js';
import { deliveryViolations } from './deliveries.js';
import { STREAM_INVARIANT, WEBHOOK_INVARIANT } from './delivery-checks.js';
import { corruptDeliveries } from './delivery-corruptions.js';
import { corruptEvents } from './event-corruptions.js';
import { followerProblems } from './event-reader-checks.js';
import { listAllEvents } from './event-world.js';
import { keylessCreates, type History } from './history.js';
import { PAYMENT_FINAL_WITHIN_MS } from './invariant.js';
import { KEYLESS_ORDERS_INVARIANT } from './keyless-orders.js';
import { killInstances } from './nemesis.js';
import { corruptPayments } from './payment-corruptions.js';
import {
  REFUND_CAP_INVARIANT,
  REFUND_ENTRY_INVARIANT,
  REFUNDED_ORDER_INVARIANT,
} from './refund-checks.js';
import { corruptRefunds } from './refund-corruptions.js';
import { checkContext, runScenario, type ScenarioRun } from './scenario.js';
import { publishToStream, readStream } from './stream-reader.js';

describe('three instances, one of them killed -9 every few seconds', () => {
  const teardown = new Teardown();
  let env: Environment;
  let run: ScenarioRun;

  beforeAll(async () => {
    env = await startEnvironment(
      { name: 'kill-9', instances: 3, customers: 12, deliveries: 'stream+webhooks' },
      teardown,
    );
  });
  afterAll(() => teardown.run());

  it('loses and doubles nothing when instances are killed -9 mid-payment', async () => {
    run = await runScenario(env, {
      loadMs: 25_000,
      nemesis: killInstances({
        kills: 7,
        downMs: [300, 1_200],
        moments: ['between-attempts', 'after-approval', 'refund-approval', 'random'],
      }),
      shortTimeoutRate: 0.2,
    });

    expect(run.report.violations).toEqual([]);
    expect(run.report.faults['kill-9']).toBe(7);
    expect(run.report.operations.pay?.ok).toBeGreaterThan(100);
  });

  it('would notice a doubled capture, a phantom order, a doubled keyless order, an order claimed by a second key, drifted stock, a reverted payment, a reopened payment and a repeated attempt', async () => {
    const [doubled, reverted, reopened, reattempted] = acknowledgedSuccesses(run.history);
    const keylessOrder = keylessOrderWithoutUnknowns(run.history);
    const keyedOrder = run.history.operations.find((o) => o.op === 'createOrder' && o.value)?.value;
    if (!doubled || !reverted || !reopened || !reattempted || !keylessOrder || !keyedOrder) {
      throw new Error('the load left too few acknowledged payments or orders to corrupt');
    }
    const keylessCopy = randomUUID();
    await corruptPayments(env.cluster.databaseUrl, {
      doubled,
      reverted,
      reopened,
      reattempted,
      keylessOrder,
      keylessCopy,
      keyedOrder: keyedOrder.id,
    });

    const { violations } = await checkInvariants(checkContext(env, run.history));

    const broken = (name: string) => violations.some((v) => v.startsWith(`${name}: `));
    expect(
      broken(
        'a paid order (CONFIRMED, PARTIALLY_REFUNDED, REFUNDED) has one SUCCESS payment and one balanced capture of its total',
      ),
    ).toBe(true);
    expect(broken('ledger.verify finds no problem')).toBe(true);
    expect(
      broken('each orders.create key made at most one order, and no order came from two keys'),
    ).toBe(true);
    expect(broken(KEYLESS_ORDERS_INVARIANT)).toBe(true);
    // The copy, in particular: its customer had no keyless create of that SKU whose outcome was
    // unknown, so nothing can explain a second order.
    expect(
      violations.some(
        (v) => v.startsWith(`${KEYLESS_ORDERS_INVARIANT}: `) && v.includes(keylessCopy),
      ),
    ).toBe(true);
    expect(broken(STOCK_INVARIANT)).toBe(true);
    expect(
      broken(
        'what a client was told stays true (no acknowledged order, final payment or final refund lost)',
      ),
    ).toBe(true);
    expect(broken("an order's status matches its payment's")).toBe(true);
    expect(
      broken(`every payment is final, within ${PAYMENT_FINAL_WITHIN_MS / 1000} s of its creation`),
    ).toBe(true);
    expect(
      broken("a payment's gateway attempts follow the card table (no attempt lost or repeated)"),
    ).toBe(true);
  });

  it('would notice a refund posted twice, a FAILED refund posted, a restock beyond what was bought, an order REFUNDED without its refunds and a refund beyond the capture', async () => {
    const corrupted = await corruptRefunds(env.cluster.databaseUrl);

    const { violations } = await checkInvariants(checkContext(env, run.history));

    const names = (name: string, id: string) =>
      violations.some((v) => v.startsWith(`${name}: `) && v.includes(id));
    expect(names(REFUND_ENTRY_INVARIANT, corrupted.doubledEntry)).toBe(true);
    expect(names(REFUND_ENTRY_INVARIANT, corrupted.entryOfFailed)).toBe(true);
    expect(names('ledger.verify finds no problem', corrupted.doubledEntry)).toBe(true);
    expect(names('ledger.verify finds no problem', corrupted.entryOfFailed)).toBe(true);
    expect(names(ORDER_STOCK_INVARIANT, corrupted.overRestocked)).toBe(true);
    expect(
      violations.some(
        (v) => v.startsWith(`${STOCK_INVARIANT}: `) && v.includes('+ restocked quantity'),
      ),
    ).toBe(true);
    expect(names(REFUNDED_ORDER_INVARIANT, corrupted.refundedWithoutRefunds)).toBe(true);
    expect(names(REFUND_CAP_INVARIANT, corrupted.overCap)).toBe(true);
    // The refund no key made is a refund no client asked for.
    expect(
      violations.some((v) =>
        v.startsWith(
          'each refunds.create key made at most one refund, of the order, amount and restock it was sent with, and every refund came from a key: ',
        ),
      ),
    ).toBe(true);
  });

  it('would notice a missing, doubled, invented, altered, misowned, reordered or unlisted event, a version gap, and a follower that missed, repeated or reordered one', async () => {
    const corrupted = await corruptEvents(env.cluster.databaseUrl);
    const ctx = checkContext(env, run.history);

    const { violations } = await checkInvariants(ctx);

    const names = (name: string, id: string) =>
      violations.some((v) => v.startsWith(`${name}: `) && v.includes(id));
    expect(names(ORDER_MOVE_EVENT_INVARIANT, corrupted.missingConfirmed)).toBe(true);
    expect(names(ORDER_CREATED_EVENT_INVARIANT, corrupted.missingCreated)).toBe(true);
    expect(names(PAYMENT_EVENT_INVARIANT, corrupted.doubledSucceeded)).toBe(true);
    expect(names(ORDER_MOVE_EVENT_INVARIANT, corrupted.confirmedOfFailed)).toBe(true);
    expect(names(ORDER_MOVE_EVENT_INVARIANT, corrupted.wrongReason)).toBe(true);
    expect(names(ORDER_REFUND_EVENT_INVARIANT, corrupted.missingRefundMove)).toBe(true);
    expect(names(PAYMENT_EVENT_INVARIANT, corrupted.missingAttemptFailed)).toBe(true);
    expect(names(REFUND_EVENT_INVARIANT, corrupted.succeededOfFailedRefund)).toBe(true);
    expect(names(EVENT_VERSION_INVARIANT, corrupted.versionGap)).toBe(true);
    expect(names(EVENT_VERSION_INVARIANT, corrupted.reordered)).toBe(true);
    expect(names(EVENT_OBJECT_INVARIANT, corrupted.alteredObject)).toBe(true);
    expect(names(EVENT_OBJECT_INVARIANT, corrupted.confirmedOfFailed)).toBe(true);
    expect(names(EVENT_OWNER_INVARIANT, corrupted.wrongOwner)).toBe(true);
    expect(names(PRODUCT_EVENT_INVARIANT, corrupted.productEvent)).toBe(true);
    expect(names(EVENTS_API_INVARIANT, corrupted.unlisted)).toBe(true);

    // A follower's record made from the listing, then broken: one event dropped, one repeated,
    // two swapped.
    const { events } = await listAllEvents(ctx.listEvents);
    const tail = events
      .slice(-40)
      .map((e, n) => ({ id: e.id, type: e.type, cursor: e.cursor, at: n }));
    const [start, dropped, repeated, first, second, ...rest] = tail;
    if (!start || !dropped || !repeated || !first || !second) throw new Error('too few events');
    const record = {
      startCursor: start.cursor,
      events: [repeated, repeated, second, first, ...rest],
      reconnects: 0,
      drops: {},
      connectionsByInstance: {},
    };
    const problems = followerProblems(record, events).join('\n');
    expect(problems).toContain(`missed ${dropped.id}`);
    expect(problems).toContain(`seen 2 times: ${repeated.id}`);
    expect(problems).toContain(`out of cursor order: ${first.id}`);
    expect(followerProblems({ ...record, events: tail.slice(1) }, events)).toEqual([]);
  });

  it('would notice a lost, forged, tampered, altered or stray webhook, a failed delivery, and a stream missing, doubling, reordering or holding a stranger', async () => {
    const rig = env.deliveries;
    const delivered = run.deliveries;
    if (!rig || !delivered) throw new Error('the run had no deliveries');
    const { expected, listed } = delivered;
    expect(deliveryViolations(delivered.record, { expected, listed }, rig.subjectPrefix)).toEqual(
      [],
    );
    const { record, corrupted } = corruptDeliveries(delivered.record, expected);

    const violations = deliveryViolations(record, { expected, listed }, rig.subjectPrefix);

    const names = (name: string, line: string) => violations.includes(`${name}: ${line}`);
    const webhook = (prefix: string, id: string) =>
      violations.some((v) => v.startsWith(`${WEBHOOK_INVARIANT}: ${prefix}`) && v.includes(id));
    expect(webhook('never accepted: ', corrupted.droppedDelivery)).toBe(true);
    expect(webhook('fails standardwebhooks verification: ', corrupted.tamperedSignature)).toBe(
      true,
    );
    expect(webhook('fails standardwebhooks verification: ', corrupted.tamperedBody)).toBe(true);
    expect(names(WEBHOOK_INVARIANT, `body differs from events.list: ${corrupted.wrongBody}`)).toBe(
      true,
    );
    expect(webhook('delivered, not an event after the start: ', corrupted.strayDelivery)).toBe(
      true,
    );
    expect(webhook('logged FAILED after ', corrupted.failedInLog)).toBe(true);
    expect(names(STREAM_INVARIANT, `stored 2 times: ${corrupted.doubledMessage}`)).toBe(true);
    const stream = (prefix: string, id: string) =>
      violations.some((v) => v.startsWith(`${STREAM_INVARIANT}: ${prefix}${id}`));
    expect(stream('never stored: ', corrupted.droppedMessage)).toBe(true);
    expect(stream('out of cursor order from ', corrupted.reorderedMessage)).toBe(true);
    expect(violations.some((v) => v.includes(`Nats-Msg-Id ${corrupted.alienMessage}`))).toBe(true);

    // And in the stream itself: a message published straight to it, by no relay, is read back.
    await publishToStream(rig.nats.url, `${rig.subjectPrefix}.order.created`, '{}');
    const messages = await readStream(rig.nats.url, rig.stream);
    expect(
      deliveryViolations(
        { ...delivered.record, messages },
        { expected, listed },
        rig.subjectPrefix,
      ),
    ).toContain(
      `${STREAM_INVARIANT}: not an event: seq ${messages.length} on ${rig.subjectPrefix}.order.created, Nats-Msg-Id none`,
    );
  });
});

/** Payments a client was told succeeded. */
function acknowledgedSuccesses(history: History): string[] {
  return history.operations.flatMap((o) =>
    o.op === 'pay' && o.value?.status === 'SUCCESS' ? [o.value.id] : [],
  );
}

/**
 * An order placed ok by a keyless create whose customer never had a keyless create of that SKU
 * with an unknown outcome: a second such order has nothing that could explain it.
 */
function keylessOrderWithoutUnknowns(history: History): string | undefined {
  const creates = keylessCreates(history);
  const pair = (o: { client: string; input: { sku?: string } }) => `${o.client} ${o.input.sku}`;
  const unknown = new Set(creates.filter((o) => o.result === 'unknown').map(pair));
  return creates.find((o) => o.result === 'ok' && !unknown.has(pair(o)))?.value?.id;
}
