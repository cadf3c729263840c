import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { card } from '../testing/payment-fixtures.js';
import { restCall, type RestErrorBody } from '../testing/rest-client.js';
import { countOrderRows, countRows, expectStockConsistent } from '../testing/stock-invariant.js';
import { createTestClient, failure, logInAdmin, signUpCustomer } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Every log line the server writes. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString());
    done();
  }
}

const logs = new LogCapture();
let server: TestServer;
/** A genuine token (signed with the server's secret, unexpired) for a user who does not exist. */
let ghostToken: string;

beforeAll(async () => {
  server = await startTestServer({}, { logger: createLogger('info', logs) });
  const admin = await logInAdmin(server.url);
  await admin.inventory.upsert.mutate({ sku: 'GHOST-1', name: 'G', priceCents: 300, onHand: 5 });
  ghostToken = (
    await server.services.tokens.issue({ userId: randomUUID(), role: 'CUSTOMER' }, new Date())
  ).token;
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

/** What every write leaves behind, to show that a refused one left nothing. */
async function written() {
  const { db } = server.services;
  return {
    ...(await countOrderRows(db)),
    payments: await countRows(db, 'payments'),
    idempotency_keys: await countRows(db, 'idempotency_keys'),
  };
}

describe('authedProcedure', () => {
  it('refuses a genuine token for a user the database does not have as unauthenticated, on every write, writing nothing', async () => {
    const ghost = createTestClient(server.url, ghostToken);
    const items = [{ sku: 'GHOST-1', quantity: 1 }];
    const { client: owner } = await signUpCustomer(server.url, 'owner@example.com');
    const someonesOrder = await owner.orders.create.mutate({ items });
    const before = await written();
    const refusals = [
      await failure(ghost.orders.create.mutate({ items })),
      await failure(ghost.orders.create.mutate({ items, idempotencyKey: 'ghost-order' })),
    ];
    // Paying sends several statements at once; whichever fails first, the answer is the same.
    for (let i = 0; i < 10; i++) {
      const orderId = i % 2 === 0 ? someonesOrder.id : randomUUID();
      const pay = { orderId, paymentMethod: card(), idempotencyKey: `ghost-pay-${i}` };
      refusals.push(await failure(ghost.payments.pay.mutate(pay)));
    }
    for (const error of refusals) {
      expect(error.data).toMatchObject({
        code: 'UNAUTHORIZED',
        httpStatus: 401,
        domainCode: 'AUTH.UNAUTHENTICATED',
        details: { reason: 'INVALID_TOKEN' },
      });
      expect(JSON.stringify({ message: error.message, data: error.data })).not.toMatch(
        /fkey|constraint|violat|insert|users/i,
      );
    }

    const rest = await restCall<RestErrorBody>(server.url, 'POST', '/api/orders', {
      token: ghostToken,
      body: { items },
    });
    expect(rest.status).toBe(401);
    expect(rest.body).toMatchObject({
      code: 'UNAUTHORIZED',
      data: { domainCode: 'AUTH.UNAUTHENTICATED' },
    });

    expect(await written()).toEqual(before);
    const product = await createTestClient(server.url).products.get.query({ sku: 'GHOST-1' });
    expect(product).toMatchObject({ onHand: 5, reserved: 1 });
    expect(logs.lines.join('')).not.toMatch(/procedure failed|fkey|violates/);
  });

  it('still lets a user who exists write with the same kind of token', async () => {
    const { client } = await signUpCustomer(server.url, 'real@example.com');
    const order = await client.orders.create.mutate({ items: [{ sku: 'GHOST-1', quantity: 1 }] });
    expect(order.status).toBe('PENDING');
  });
});
