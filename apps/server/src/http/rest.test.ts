import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card } from '../testing/payment-fixtures.js';
import {
  restCall,
  restSignUp,
  type RestErrorBody,
  type RestOutputs,
} from '../testing/rest-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { createTestClient, failure } from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';

type Order = RestOutputs['orders']['create'];
type Payment = RestOutputs['payments']['pay'];

let server: TestServer;
let adminToken: string;
let buyer: { token: string; userId: string };
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  const login = await restCall<RestOutputs['auth']['login']>(server.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  adminToken = login.body.accessToken;
  buyer = await restSignUp(server.url, 'rest-buyer@example.com');
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

describe('the REST mirror of the seed paths', () => {
  it('signs up, logs in, stocks, orders and pays over plain JSON, as the seed did', async () => {
    const email = `seed${++userCount}@example.com`;
    const signup = await restCall(server.url, 'POST', '/auth/signup', {
      body: { email, password: 'seed-password-1', role: 'ADMIN' },
    });
    expect(signup.status).toBe(200);
    expect(signup.body).toMatchObject({ email, role: 'CUSTOMER' });
    expect(signup.text).not.toMatch(/hash|argon/i);
    const { token } = await restSignUp(server.url, email, 'seed-password-1');

    expect((await restCall(server.url, 'GET', '/api/me', { token })).body).toMatchObject({ email });
    expect((await stockOn('SEED-1')).status).toBe(200);
    const placed = await orderOn(token, 'SEED-1', 2);
    expect(placed).toMatchObject({ status: 'PENDING', totalCents: 2500 });

    const paid = await restCall<Payment>(server.url, 'POST', '/api/payment-processor/pay', {
      token,
      body: { orderId: placed.id, paymentMethod: card(), idempotencyKey: randomUUID() },
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'SUCCESS', order: { status: 'CONFIRMED' } });

    const fetched = await restCall(server.url, 'GET', `/api/payment-processor/${placed.id}`, {
      token,
    });
    expect(fetched.body).toEqual(paid.body);
    expect(
      (await restCall(server.url, 'GET', `/api/orders/${placed.id}`, { token })).body,
    ).toMatchObject({ id: placed.id, status: 'CONFIRMED' });
    const ledger = await restCall<RestOutputs['ledger']['forOrder']>(
      server.url,
      'GET',
      `/api/orders/${placed.id}/ledger`,
      { token },
    );
    expect(ledger.body.entries.map((entry) => entry.kind)).toEqual(['CAPTURE']);
    const verify = await restCall(server.url, 'GET', '/api/ledger/verify', { token: adminToken });
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
  });

  it('lists the catalogue and adjusts stock through a path parameter', async () => {
    await stockOn('ADJ-1', 4);
    const adjusted = await restCall(server.url, 'POST', '/api/inventory/adj-1/adjustments', {
      token: adminToken,
      body: { delta: 3, reason: 'delivery' },
    });
    expect(adjusted.body).toMatchObject({ sku: 'ADJ-1', onHand: 7, available: 7 });
    const one = await restCall(server.url, 'GET', '/api/products/ADJ-1');
    expect(one.body).toEqual(adjusted.body);
    const all = await restCall<RestOutputs['products']['list']>(server.url, 'GET', '/api/products');
    expect(all.body.map((product) => product.sku)).toContain('ADJ-1');
  });

  it('takes a SKU in any case, spaces around, and refuses letters that upper-case into one', async () => {
    await stockOn('CASE-1');
    // The adapter does not percent-decode path parameters, so a path carries no spaces.
    const lower = await restCall(server.url, 'GET', '/api/products/case-1');
    expect(lower.body).toMatchObject({ sku: 'CASE-1' });
    const placed = await orderOn(buyer.token, ' Case-1 ', 1);
    expect(placed.lines.map((line) => line.sku)).toEqual(['CASE-1']);
    // `ſ` (long s) upper-cases to `S`: the published pattern refuses it, and so does the server.
    for (const lookalike of ['ſeed-1', 'ﬀ-1', 'ıd-1']) {
      const refused = await restCall<RestErrorBody>(server.url, 'POST', '/api/orders', {
        token: buyer.token,
        body: { items: [{ sku: lookalike, quantity: 1 }] },
      });
      expect(refused.status, lookalike).toBe(400);
      expect(refused.body.data.issues?.map((issue) => issue.path)).toEqual(['items.0.sku']);
    }
  });

  it('reads numbers from the query string and pages with the cursor', async () => {
    const { token } = await restSignUp(server.url, `pager${++userCount}@example.com`);
    await stockOn('PAGE-1');
    const first = await orderOn(token, 'PAGE-1', 1);
    const second = await orderOn(token, 'PAGE-1', 1);
    const page1 = await restCall<RestOutputs['orders']['list']>(
      server.url,
      'GET',
      '/api/orders?limit=1',
      { token },
    );
    expect(page1.body.items.map((o) => o.id)).toEqual([second.id]);
    const cursor = encodeURIComponent(page1.body.nextCursor ?? '');
    const page2 = await restCall<RestOutputs['orders']['list']>(
      server.url,
      'GET',
      `/api/orders?limit=1&cursor=${cursor}`,
      { token },
    );
    expect(page2.body.items.map((o) => o.id)).toEqual([first.id]);
    const bad = await restCall<RestErrorBody>(server.url, 'GET', '/api/orders?limit=lots', {
      token,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.data.issues?.map((issue) => issue.path)).toEqual(['limit']);
  });

  it('cancels an order with a body-less POST and releases its stock', async () => {
    await stockOn('CANCEL-1', 5);
    const placed = await orderOn(buyer.token, 'CANCEL-1', 3);
    const cancelled = await fetch(`${server.url}/api/orders/${placed.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.token}` },
    });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id: placed.id, status: 'CANCELLED' });
    const product = await restCall(server.url, 'GET', '/api/products/CANCEL-1');
    expect(product.body).toMatchObject({ reserved: 0, available: 5 });
  });

  it('cancels an order with a POST sent as `curl -X POST` sends it: no Content-Length at all', async () => {
    await stockOn('CANCEL-2', 5);
    const placed = await orderOn(buyer.token, 'CANCEL-2', 2);
    const status = await postWithoutLength(`/api/orders/${placed.id}/cancel`, buyer.token);
    expect(status).toBe(200);
    const order = await restCall<Order>(server.url, 'GET', `/api/orders/${placed.id}`, {
      token: buyer.token,
    });
    expect(order.body.status).toBe('CANCELLED');
  });

  it('leaves the tRPC endpoint as strict as before: a REST call loosens no schema', async () => {
    await stockOn('STRICT-1');
    await restCall(server.url, 'GET', '/api/orders?limit=1', { token: buyer.token });
    await orderOn(buyer.token, 'STRICT-1', 1);
    const trpc = createTestClient(server.url, buyer.token);
    const refused = await failure(
      trpc.orders.create.mutate({
        items: [{ sku: 'STRICT-1', quantity: '1' as unknown as number }],
      }),
    );
    expect(refused.data?.code).toBe('BAD_REQUEST');
    const listed = await failure(trpc.orders.list.query({ limit: '1' as unknown as number }));
    expect(listed.data?.code).toBe('BAD_REQUEST');
  });
});

/**
 * The status of a body-less POST written by hand: fetch and Node's client both add
 * `Content-Length: 0`, which curl (and many clients) leave out.
 */
async function postWithoutLength(path: string, token: string): Promise<number> {
  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      `Authorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
  );
  let answer = '';
  for await (const chunk of socket) answer += (chunk as Buffer).toString('utf8');
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
}

function stockOn(sku: string, onHand = 10) {
  return restCall(server.url, 'POST', '/api/inventory', {
    token: adminToken,
    body: { sku, name: `Product ${sku}`, priceCents: 1250, onHand },
  });
}

async function orderOn(token: string, sku: string, quantity: number): Promise<Order> {
  const placed = await restCall<Order>(server.url, 'POST', '/api/orders', {
    token,
    body: { items: [{ sku, quantity }] },
  });
  expect(placed.status).toBe(200);
  return placed.body;
}
