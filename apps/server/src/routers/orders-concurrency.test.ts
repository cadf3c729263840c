import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, expectStockConsistent, testDatabaseKind } from '../testing/stock-invariant.js';
import {
  createTestClient,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// Two instances on one real PostgreSQL race for the same stock. PGlite runs one transaction at a
// time, so there these tests would prove nothing: they run only on a real server.
const onRealServer = testDatabaseKind() === 'server';

let first: TestServer;
let second: TestServer;
/** Each customer has a client on both instances (one token works on both: same secret). */
let customers: { first: TestClient; second: TestClient }[];
let admin: TestClient;

beforeAll(async () => {
  if (!onRealServer) return;
  first = await startTestServer();
  second = await startTestServer({ databaseUrl: first.config.databaseUrl });
  admin = await logInAdmin(first.url);
  // Logins are rate-limited per email, so many users with one login each.
  customers = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const { token } = await signUpCustomer(first.url, `racer-${i}@example.com`);
      return {
        first: createTestClient(first.url, token),
        second: createTestClient(second.url, token),
      };
    }),
  );
});
afterAll(async () => {
  if (!onRealServer) return;
  await expectStockConsistent(first.services.db);
  await second.close();
  await first.close();
});

/**
 * Runs every call at once and reports each outcome: 'created', or the domain code (else the
 * message) it failed with — so a deadlock or a 500 that reached a client shows up by name.
 */
async function race(calls: (() => Promise<unknown>)[]): Promise<string[]> {
  return Promise.all(
    calls.map((call) =>
      call().then(
        () => 'created',
        (error: unknown) => {
          if (!(error instanceof TRPCClientError)) return String(error);
          const data = error.data as { domainCode?: string } | undefined;
          return data?.domainCode ?? error.message;
        },
      ),
    ),
  );
}

const client = (i: number) => {
  const customer = customers[i % customers.length]!;
  return i % 2 === 0 ? customer.first : customer.second;
};

async function pendingOrdersWith(sku: string): Promise<number> {
  const rows = await first.services.db.execute<{ n: number }[]>(
    `select count(distinct o.id)::int as n from orders o join order_lines l on l.order_id = o.id
      where o.status = 'PENDING' and l.sku = ?`,
    [sku],
  );
  return rows[0]?.n ?? 0;
}

describe('orders under contention, on two server instances', () => {
  it.skipIf(!onRealServer)(
    'sells exactly the 50 units in stock to 200 concurrent orders',
    async () => {
      await admin.inventory.upsert.mutate({
        sku: 'RACE-01',
        name: 'Scarce',
        priceCents: 1000,
        onHand: 50,
      });
      const outcomes = await race(
        Array.from(
          { length: 200 },
          (_, i) => () =>
            client(i).orders.create.mutate({ items: [{ sku: 'RACE-01', quantity: 1 }] }),
        ),
      );
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(50);
      expect(outcomes.filter((o) => o !== 'created')).toEqual(
        Array(150).fill('INVENTORY.INSUFFICIENT_STOCK'),
      );
      expect(await pendingOrdersWith('RACE-01')).toBe(50);
      expect(
        await createTestClient(first.url).products.get.query({ sku: 'RACE-01' }),
      ).toMatchObject({
        onHand: 50,
        reserved: 50,
        available: 0,
      });
      await expectStockConsistent(first.services.db);
    },
  );

  it.skipIf(!onRealServer)(
    'never deadlocks a client when multi-line orders list their SKUs in opposite orders',
    async () => {
      for (const sku of ['PAIR-A', 'PAIR-B']) {
        await admin.inventory.upsert.mutate({ sku, name: sku, priceCents: 500, onHand: 50 });
      }
      const movementsBefore = await countRows(first.services.db, 'stock_movements');
      const outcomes = await race(
        Array.from({ length: 200 }, (_, i) => () => {
          const items = [
            { sku: 'PAIR-A', quantity: 1 },
            { sku: 'PAIR-B', quantity: 1 },
          ];
          return client(i).orders.create.mutate({ items: i % 2 === 0 ? items : items.reverse() });
        }),
      );
      expect(new Set(outcomes)).toEqual(new Set(['created', 'INVENTORY.INSUFFICIENT_STOCK']));
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(50);
      for (const sku of ['PAIR-A', 'PAIR-B']) {
        expect(await createTestClient(second.url).products.get.query({ sku })).toMatchObject({
          reserved: 50,
        });
      }
      // Two RESERVE movements per order that got through, none for the others.
      expect(await countRows(first.services.db, 'stock_movements')).toBe(movementsBefore + 100);
      await expectStockConsistent(first.services.db);
    },
  );
});
