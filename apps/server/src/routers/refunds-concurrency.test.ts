import { randomUUID } from 'node:crypto';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pay, placeOrderFor, uniqueCardNumber } from '../testing/payment-fixtures.js';
import { restCall, type RestOutputs } from '../testing/rest-client.js';
import { expectStockConsistent, testDatabaseKind } from '../testing/stock-invariant.js';
import { createTestClient, signUpCustomer, type TestClient } from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';

// Two instances on one real PostgreSQL refund the same payment at once. PGlite runs one
// transaction at a time, so there these tests would prove nothing: they run only on a real server.
const onRealServer = testDatabaseKind() === 'server';

let first: TestServer;
let second: TestServer;
/** The admin, with a client on each instance (one token works on both: same secret). */
let admins: [TestClient, TestClient];

beforeAll(async () => {
  if (!onRealServer) return;
  first = await startTestServer();
  second = await startTestServer({ databaseUrl: first.config.databaseUrl });
  const login = await restCall<RestOutputs['auth']['login']>(first.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  const token = login.body.accessToken;
  admins = [createTestClient(first.url, token), createTestClient(second.url, token)];
});
afterAll(async () => {
  if (!onRealServer) return;
  const report = await admins[0].ledger.verify.query();
  expect(report.problems).toEqual([]);
  await expectStockConsistent(first.services.db);
  await second.close();
  await first.close();
});

/** The admin's client on one instance or the other, by turns. */
const adminOn = (i: number): TestClient => (i % 2 === 0 ? admins[0] : admins[1]);

/** A CONFIRMED order of 10,000 cents, paid by a fresh customer. */
async function paidOrder(name: string): Promise<{ orderId: string; buyer: TestClient }> {
  const [admin] = admins;
  const { client: buyer } = await signUpCustomer(first.url, `${name}@example.com`);
  const order = await placeOrderFor(admin, buyer, {
    sku: name.toUpperCase(),
    quantity: 4,
    priceCents: 2_500,
  });
  expect((await pay(buyer, order.id, uniqueCardNumber())).status).toBe('SUCCESS');
  return { orderId: order.id, buyer };
}

/** How a call ended: the refund's status, or the domain code and facts it was refused with. */
interface Outcome {
  readonly code: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Runs every call at once and reports each outcome — so a deadlock or a 500 that reached a client
 * shows up by name.
 */
function race(calls: (() => Promise<{ status: string }>)[]): Promise<Outcome[]> {
  return Promise.all(
    calls.map((call) =>
      call().then(
        (refund) => ({ code: refund.status }),
        (error: unknown) => {
          if (!(error instanceof TRPCClientError)) return { code: String(error) };
          const data = error.data as
            { domainCode?: string; details?: Record<string, unknown> } | undefined;
          return { code: data?.domainCode ?? error.message, details: data?.details ?? {} };
        },
      ),
    ),
  );
}

describe('refunds of one payment under contention, on two server instances', () => {
  it.skipIf(!onRealServer)(
    'gives back exactly the capture when 30 refunds of a tenth of it race: 10 succeed, 20 are refused',
    async () => {
      const { orderId, buyer } = await paidOrder('refund-race-1');
      const outcomes = await race(
        Array.from(
          { length: 30 },
          (_, i) => () =>
            adminOn(i).refunds.create.mutate({
              orderId,
              amountCents: 1_000,
              reason: 'requested_by_customer',
              idempotencyKey: randomUUID(),
            }),
        ),
      );
      expect(outcomes.filter((o) => o.code === 'SUCCEEDED')).toHaveLength(10);
      // Each of the others found nothing left — every cent held while the winners were still
      // being driven, or the order REFUNDED once the last of them succeeded: over the cap alike.
      const refused = outcomes.filter((o) => o.code !== 'SUCCEEDED');
      expect(refused).toEqual(
        Array(20).fill({
          code: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
          details: { orderId, requestedCents: 1_000, refundableCents: 0, currency: 'USD' },
        }),
      );

      const refunds = await admins[1].refunds.list.query({ orderId });
      expect(refunds.map((r) => r.status)).toEqual(Array(10).fill('SUCCEEDED'));
      expect(refunds.reduce((sum, r) => sum + r.amountCents, 0)).toBe(10_000);
      const payment = await buyer.payments.get.query({ orderId });
      expect(payment).toMatchObject({ refundedCents: 10_000, order: { status: 'REFUNDED' } });
      const ledger = await buyer.ledger.forOrder.query({ orderId });
      expect(ledger.entries.filter((e) => e.kind === 'REFUND')).toHaveLength(10);
      // What the database holds against the capture: all of it, all refunded.
      const held = await first.services.db.execute<{ held: number; refunded: number }[]>(
        `select refund_held_cents::int as held, refunded_cents::int as refunded
           from payments where order_id = ?`,
        [orderId],
      );
      expect(held).toEqual([{ held: 10_000, refunded: 10_000 }]);
      expect(await admins[0].ledger.verify.query()).toMatchObject({ ok: true, problems: [] });
    },
  );

  it.skipIf(!onRealServer)(
    'makes one refund of 30 concurrent requests sharing one key across both instances',
    async () => {
      const { orderId } = await paidOrder('refund-race-2');
      const key = randomUUID();
      const ids = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const refund = await adminOn(i).refunds.create.mutate({
            orderId,
            amountCents: 2_000,
            reason: 'duplicate',
            idempotencyKey: key,
          });
          return refund.id;
        }),
      );
      expect(new Set(ids).size).toBe(1);
      const refunds = await admins[0].refunds.list.query({ orderId });
      expect(refunds.map((r) => [r.id, r.amountCents])).toEqual([[ids[0], 2_000]]);
    },
  );
});
