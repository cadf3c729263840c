import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, expectStockConsistent } from '../testing/stock-invariant.js';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let admin: TestClient;
let customer: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await logInAdmin(server.url);
  customer = (await signUpCustomer(server.url, 'shopper@example.com')).client;
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

interface MovementRow {
  kind: string;
  on_hand_delta: number;
  reserved_delta: number;
  reason: string;
  actor: string;
}

async function movementsOf(sku: string) {
  return server.services.db.execute<MovementRow[]>(
    `select m.kind, m.on_hand_delta, m.reserved_delta, m.reason, m.actor
       from stock_movements m join products p on p.id = m.product_id
      where p.sku = ? order by m.id`,
    [sku],
  );
}

describe('inventory.upsert', () => {
  it('creates a product, normalising its SKU, and records the opening stock', async () => {
    const product = await admin.inventory.upsert.mutate({
      sku: 'lamp-01',
      name: ' Lamp ',
      priceCents: 4500,
      onHand: 12,
    });
    expect(product).toEqual({
      sku: 'LAMP-01',
      name: 'Lamp',
      priceCents: 4500,
      currency: 'USD',
      onHand: 12,
      reserved: 0,
      available: 12,
    });
    expect(await movementsOf('LAMP-01')).toEqual([
      {
        kind: 'ADJUST',
        on_hand_delta: 12,
        reserved_delta: 0,
        reason: 'created',
        actor: expect.stringMatching(/^user:/),
      },
    ]);
  });

  it('sets the stock and price of an existing product; prices already on orders stay frozen', async () => {
    await admin.inventory.upsert.mutate({
      sku: 'PEN-01',
      name: 'Pen',
      priceCents: 150,
      onHand: 10,
    });
    const order = await customer.orders.create.mutate({ items: [{ sku: 'PEN-01', quantity: 2 }] });
    const product = await admin.inventory.upsert.mutate({
      sku: 'PEN-01',
      priceCents: 199,
      onHand: 30,
    });
    expect(product).toMatchObject({
      name: 'Pen',
      priceCents: 199,
      onHand: 30,
      reserved: 2,
      available: 28,
    });
    expect((await customer.orders.get.query({ id: order.id })).totalCents).toBe(300);
    expect((await movementsOf('PEN-01')).at(-1)).toMatchObject({
      kind: 'ADJUST',
      on_hand_delta: 20,
      reason: 'set by admin',
    });
  });

  it('refuses to set the stock below what is reserved (CONFLICT, INVENTORY.BELOW_RESERVED)', async () => {
    await admin.inventory.upsert.mutate({ sku: 'CUP-01', name: 'Cup', priceCents: 800, onHand: 5 });
    await customer.orders.create.mutate({ items: [{ sku: 'CUP-01', quantity: 3 }] });
    const error = await failure(admin.inventory.upsert.mutate({ sku: 'CUP-01', onHand: 2 }));
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'INVENTORY.BELOW_RESERVED',
      details: { sku: 'CUP-01', onHand: 5, reserved: 3, requestedOnHand: 2 },
    });
    expect(await createTestClient(server.url).products.get.query({ sku: 'CUP-01' })).toMatchObject({
      onHand: 5,
      reserved: 3,
    });
  });

  it('needs a name and a price to create a product', async () => {
    const error = await failure(admin.inventory.upsert.mutate({ sku: 'NEW-01', onHand: 5 }));
    expect(error.data).toMatchObject({
      code: 'NOT_FOUND',
      domainCode: 'INVENTORY.PRODUCT_NOT_FOUND',
    });
  });
});

describe('inventory.adjust', () => {
  it('adds and removes stock with the admin’s reason on the movement', async () => {
    await admin.inventory.upsert.mutate({
      sku: 'BAG-01',
      name: 'Bag',
      priceCents: 2000,
      onHand: 10,
    });
    await admin.inventory.adjust.mutate({ sku: 'BAG-01', delta: 5, reason: 'delivery 42' });
    const product = await admin.inventory.adjust.mutate({
      sku: 'bag-01',
      delta: -12,
      reason: 'water damage',
    });
    expect(product).toMatchObject({ onHand: 3, available: 3 });
    expect((await movementsOf('BAG-01')).map((m) => [m.on_hand_delta, m.reason])).toEqual([
      [10, 'created'],
      [5, 'delivery 42'],
      [-12, 'water damage'],
    ]);
  });

  it('never goes below what is reserved, and writes nothing when it refuses', async () => {
    await admin.inventory.upsert.mutate({
      sku: 'HAT-01',
      name: 'Hat',
      priceCents: 1500,
      onHand: 4,
    });
    await customer.orders.create.mutate({ items: [{ sku: 'HAT-01', quantity: 4 }] });
    const before = await countRows(server.services.db, 'stock_movements');
    const error = await failure(
      admin.inventory.adjust.mutate({ sku: 'HAT-01', delta: -1, reason: 'lost' }),
    );
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'INVENTORY.BELOW_RESERVED',
      details: { requestedOnHand: 3 },
    });
    expect(await countRows(server.services.db, 'stock_movements')).toBe(before);
  });

  it('answers NOT_FOUND for an unknown SKU', async () => {
    const error = await failure(
      admin.inventory.adjust.mutate({ sku: 'GHOST-01', delta: 1, reason: 'r' }),
    );
    expect(error.data?.domainCode).toBe('INVENTORY.PRODUCT_NOT_FOUND');
  });
});

describe('who may change the inventory', () => {
  it('refuses a customer with FORBIDDEN / AUTH.FORBIDDEN', async () => {
    const upsert = await failure(
      customer.inventory.upsert.mutate({ sku: 'X-1', name: 'X', priceCents: 1, onHand: 1 }),
    );
    const adjust = await failure(
      customer.inventory.adjust.mutate({ sku: 'X-1', delta: 1, reason: 'r' }),
    );
    for (const error of [upsert, adjust]) {
      expect(error.data).toMatchObject({ code: 'FORBIDDEN', domainCode: 'AUTH.FORBIDDEN' });
    }
  });

  it('refuses an anonymous caller with UNAUTHORIZED', async () => {
    const error = await failure(
      createTestClient(server.url).inventory.adjust.mutate({ sku: 'X-1', delta: 1, reason: 'r' }),
    );
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', domainCode: 'AUTH.UNAUTHENTICATED' });
  });
});

describe('inventory input', () => {
  it.each([
    ['a negative stock', { sku: 'V-1', onHand: -1 }, 'onHand'],
    ['a stock above 1,000,000', { sku: 'V-1', onHand: 1_000_001 }, 'onHand'],
    ['a fractional stock', { sku: 'V-1', onHand: 1.5 }, 'onHand'],
    [
      'a price above 100,000,000 cents',
      { sku: 'V-1', onHand: 1, name: 'V', priceCents: 100_000_001 },
      'priceCents',
    ],
    ['a negative price', { sku: 'V-1', onHand: 1, name: 'V', priceCents: -5 }, 'priceCents'],
    ['an empty name', { sku: 'V-1', onHand: 1, name: '  ', priceCents: 5 }, 'name'],
    ['a malformed SKU', { sku: 'v 1', onHand: 1 }, 'sku'],
  ])('refuses %s in upsert as BAD_REQUEST', async (_, input, field) => {
    const error = await failure(admin.inventory.upsert.mutate(input));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.issues?.map((i) => i.path)).toContain(field);
  });

  it.each([
    ['a zero delta', { sku: 'V-1', delta: 0, reason: 'r' }, 'delta'],
    ['a delta beyond ±1,000,000', { sku: 'V-1', delta: -1_000_001, reason: 'r' }, 'delta'],
    ['an empty reason', { sku: 'V-1', delta: 1, reason: ' ' }, 'reason'],
    ['a reason over 200 characters', { sku: 'V-1', delta: 1, reason: 'r'.repeat(201) }, 'reason'],
  ])('refuses %s in adjust as BAD_REQUEST', async (_, input, field) => {
    const error = await failure(admin.inventory.adjust.mutate(input));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.issues?.map((i) => i.path)).toContain(field);
  });
});
