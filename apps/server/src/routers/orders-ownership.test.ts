import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let alice: TestClient;
let bob: TestClient;
let alicesOrder: { id: string };
beforeAll(async () => {
  server = await startTestServer();
  const admin = await logInAdmin(server.url);
  await admin.inventory.upsert.mutate({
    sku: 'OWN-01',
    name: 'Owned',
    priceCents: 500,
    onHand: 10,
  });
  alice = (await signUpCustomer(server.url, 'alice@example.com')).client;
  bob = (await signUpCustomer(server.url, 'bob@example.com')).client;
  alicesOrder = await alice.orders.create.mutate({ items: [{ sku: 'OWN-01', quantity: 3 }] });
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

/** What a client can observe of an error, with the id it asked about masked out. */
function observable(error: Awaited<ReturnType<typeof failure>>, id: string) {
  return JSON.stringify({ message: error.message, data: error.data }).replaceAll(id, '<id>');
}

describe('another user’s order (BOLA)', () => {
  it('is NOT_FOUND for get, exactly as a random id is', async () => {
    const theirs = await failure(bob.orders.get.query({ id: alicesOrder.id }));
    const missing = randomUUID();
    const random = await failure(bob.orders.get.query({ id: missing }));
    expect(theirs.data).toMatchObject({ code: 'NOT_FOUND', domainCode: 'ORDER.NOT_FOUND' });
    expect(observable(theirs, alicesOrder.id)).toBe(observable(random, missing));
  });

  it('is NOT_FOUND for cancel, exactly as a random id is, and stays PENDING with its stock', async () => {
    const theirs = await failure(bob.orders.cancel.mutate({ id: alicesOrder.id }));
    const missing = randomUUID();
    const random = await failure(bob.orders.cancel.mutate({ id: missing }));
    expect(theirs.data).toMatchObject({ code: 'NOT_FOUND', domainCode: 'ORDER.NOT_FOUND' });
    expect(observable(theirs, alicesOrder.id)).toBe(observable(random, missing));
    expect((await alice.orders.get.query({ id: alicesOrder.id })).status).toBe('PENDING');
    expect(
      (await createTestClient(server.url).products.get.query({ sku: 'OWN-01' })).reserved,
    ).toBe(3);
  });

  it('never appears in another user’s list', async () => {
    expect((await bob.orders.list.query()).items).toEqual([]);
    expect((await alice.orders.list.query()).items.map((o) => o.id)).toEqual([alicesOrder.id]);
  });

  it('is not readable by an admin through orders.get either (orders are the owner’s)', async () => {
    const admin = await logInAdmin(server.url);
    const error = await failure(admin.orders.get.query({ id: alicesOrder.id }));
    expect(error.data?.code).toBe('NOT_FOUND');
  });
});
