import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOrderRows, expectStockConsistent } from '../testing/stock-invariant.js';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let customer: { client: TestClient; token: string };
let stock: (sku: string) => Promise<{ onHand: number; reserved: number; available: number }>;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await logInAdmin(server.url);
  for (const [sku, priceCents, onHand] of [
    ['TEA-01', 450, 100],
    ['CUP-01', 1250, 100],
    ['RARE-01', 99_00, 2],
  ] as const) {
    await admin.inventory.upsert.mutate({ sku, name: `Product ${sku}`, priceCents, onHand });
  }
  customer = await signUpCustomer(server.url, 'orders@example.com');
  stock = (sku) => createTestClient(server.url).products.get.query({ sku });
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

async function rawCreate(body: unknown) {
  const response = await fetch(`${server.url}/trpc/orders.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.token}` },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as { result?: { data: Record<string, unknown> } },
  };
}

describe('orders.create', () => {
  it('prices the order from the catalogue and ignores any price or total the client sends', async () => {
    const { status, json } = await rawCreate({
      items: [
        { sku: 'tea-01', quantity: 2, priceCents: 1 },
        { sku: 'CUP-01', quantity: 1, unitPriceCents: 1 },
      ],
      totalCents: 1,
      total: 1,
    });
    expect(status).toBe(200);
    expect(json.result?.data).toEqual({
      id: expect.any(String),
      status: 'PENDING',
      currency: 'USD',
      totalCents: 2 * 450 + 1250,
      lines: [
        {
          sku: 'TEA-01',
          name: 'Product TEA-01',
          quantity: 2,
          unitPriceCents: 450,
          lineTotalCents: 900,
        },
        {
          sku: 'CUP-01',
          name: 'Product CUP-01',
          quantity: 1,
          unitPriceCents: 1250,
          lineTotalCents: 1250,
        },
      ],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    const { createdAt, expiresAt } = json.result?.data as { createdAt: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(server.config.orderTtlMs);
  });

  it('reserves the stock of every line', async () => {
    const before = await stock('TEA-01');
    await customer.client.orders.create.mutate({ items: [{ sku: 'TEA-01', quantity: 3 }] });
    expect(await stock('TEA-01')).toEqual({
      ...before,
      reserved: before.reserved + 3,
      available: before.available - 3,
    });
  });

  it('refuses the whole order when one line is short, names the SKU, and writes nothing', async () => {
    const rows = await countOrderRows(server.services.db);
    const tea = await stock('TEA-01');
    const error = await failure(
      customer.client.orders.create.mutate({
        items: [
          { sku: 'TEA-01', quantity: 1 },
          { sku: 'RARE-01', quantity: 3 },
        ],
      }),
    );
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'INVENTORY.INSUFFICIENT_STOCK',
      details: { sku: 'RARE-01', requested: 3, available: 2 },
    });
    expect(await countOrderRows(server.services.db)).toEqual(rows);
    expect(await stock('TEA-01')).toEqual(tea);
    expect(await stock('RARE-01')).toMatchObject({ reserved: 0 });
  });

  it('refuses a SKU on two lines, even in different case (ORDER.DUPLICATE_SKU)', async () => {
    const error = await failure(
      customer.client.orders.create.mutate({
        items: [
          { sku: 'TEA-01', quantity: 1 },
          { sku: 'tea-01', quantity: 2 },
        ],
      }),
    );
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      domainCode: 'ORDER.DUPLICATE_SKU',
      details: { sku: 'TEA-01' },
    });
  });

  it('refuses an unknown SKU (ORDER.UNKNOWN_SKU) and writes nothing', async () => {
    const rows = await countOrderRows(server.services.db);
    const error = await failure(
      customer.client.orders.create.mutate({
        items: [
          { sku: 'TEA-01', quantity: 1 },
          { sku: 'NOPE-01', quantity: 1 },
        ],
      }),
    );
    expect(error.data).toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      domainCode: 'ORDER.UNKNOWN_SKU',
      details: { sku: 'NOPE-01' },
    });
    expect(await countOrderRows(server.services.db)).toEqual(rows);
  });

  it.each([
    ['51 lines', Array.from({ length: 51 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })), 'items'],
    ['no lines', [], 'items'],
    ['a quantity of 0', [{ sku: 'TEA-01', quantity: 0 }], 'items.0.quantity'],
    ['a quantity of 1001', [{ sku: 'TEA-01', quantity: 1001 }], 'items.0.quantity'],
    ['a fractional quantity', [{ sku: 'TEA-01', quantity: 1.5 }], 'items.0.quantity'],
    ['a malformed SKU', [{ sku: 'TEA 01', quantity: 1 }], 'items.0.sku'],
  ])('refuses %s as BAD_REQUEST, naming the field', async (_, items, path) => {
    const error = await failure(customer.client.orders.create.mutate({ items }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.issues?.map((i) => i.path)).toContain(path);
  });

  it('requires a signed-in caller', async () => {
    const error = await failure(
      createTestClient(server.url).orders.create.mutate({
        items: [{ sku: 'TEA-01', quantity: 1 }],
      }),
    );
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });
});

describe('orders.create with an idempotency key', () => {
  it('returns the same order for the same request, reserving once', async () => {
    const items = [{ sku: 'CUP-01', quantity: 2 }];
    const before = await stock('CUP-01');
    const first = await customer.client.orders.create.mutate({
      items,
      idempotencyKey: 'order-key-1',
    });
    const again = await customer.client.orders.create.mutate({
      items,
      idempotencyKey: 'order-key-1',
    });
    expect(again).toEqual(first);
    expect((await stock('CUP-01')).reserved).toBe(before.reserved + 2);
  });

  it('refuses the key for a different request (IDEMPOTENCY.KEY_REUSED)', async () => {
    await customer.client.orders.create.mutate({
      items: [{ sku: 'CUP-01', quantity: 1 }],
      idempotencyKey: 'order-key-2',
    });
    const error = await failure(
      customer.client.orders.create.mutate({
        items: [{ sku: 'CUP-01', quantity: 5 }],
        idempotencyKey: 'order-key-2',
      }),
    );
    expect(error.data).toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      domainCode: 'IDEMPOTENCY.KEY_REUSED',
    });
  });

  it('keeps nothing for a refused request, so a retry with the key is judged afresh', async () => {
    const items = [{ sku: 'RARE-01', quantity: 3 }];
    await failure(customer.client.orders.create.mutate({ items, idempotencyKey: 'order-key-3' }));
    const error = await failure(
      customer.client.orders.create.mutate({ items, idempotencyKey: 'order-key-3' }),
    );
    expect(error.data?.domainCode).toBe('INVENTORY.INSUFFICIENT_STOCK');
  });

  it('scopes keys to the user: another user’s identical key creates their own order', async () => {
    const items = [{ sku: 'CUP-01', quantity: 1 }];
    const mine = await customer.client.orders.create.mutate({
      items,
      idempotencyKey: 'shared-key',
    });
    const other = await signUpCustomer(server.url, 'other-key@example.com');
    const theirs = await other.client.orders.create.mutate({ items, idempotencyKey: 'shared-key' });
    expect(theirs.id).not.toBe(mine.id);
  });

  it('gives one order to many concurrent requests with one key', async () => {
    const items = [{ sku: 'TEA-01', quantity: 1 }];
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        customer.client.orders.create.mutate({ items, idempotencyKey: 'burst' }),
      ),
    );
    expect(new Set(results.map((o) => o.id)).size).toBe(1);
  });
});
