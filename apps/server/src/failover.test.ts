import {
  createReplicatedPair,
  POSTGRES_BINARIES_PRESENT,
  type ReplicatedPair,
} from '@orders/db/testing/replicated-pair';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restCall, restSignUp } from './testing/rest-client.js';
import { logInAdmin, signUpCustomer, type TestClient } from './testing/test-client.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

const SKU = 'HA-1';

/** Runs `attempt` until it stops throwing (a failover takes a moment); its last error else. */
async function eventually<T>(attempt: () => Promise<T>, tries = 150): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** One tRPC call as any HTTP client makes it: status, headers and the raw body. */
async function rawTrpc(server: TestServer, token: string, body: unknown) {
  const response = await fetch(`${server.url}/trpc/orders.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    text: await response.text(),
  };
}

async function readyz(server: TestServer): Promise<number> {
  return (await fetch(`${server.url}/readyz`)).status;
}

describe.skipIf(!POSTGRES_BINARIES_PRESENT)('a server on a primary and its standby', () => {
  let pair: ReplicatedPair;
  let server: TestServer;
  let customer: { client: TestClient; token: string };
  let restToken: string;
  let listUrl: string;

  const port = async () => {
    const [row] = await server.services.db.execute<{ port: number }[]>(
      'select inet_server_port() as port',
    );
    return row?.port;
  };
  const order = () => customer.client.orders.create.mutate({ items: [{ sku: SKU, quantity: 1 }] });

  beforeAll(async () => {
    pair = await createReplicatedPair();
    // The standby first: the server must pass it over for the writable primary.
    const hosts = `127.0.0.1:${pair.standby.port},127.0.0.1:${pair.primary.port}`;
    listUrl = `postgres://postgres@${hosts}/orders?target_session_attrs=read-write&sslmode=prefer`;
    server = await startTestServer({ databaseUrl: listUrl });
    const admin = await logInAdmin(server.url);
    await admin.inventory.upsert.mutate({ sku: SKU, name: 'HA', priceCents: 100, onHand: 1000 });
    customer = await signUpCustomer(server.url, 'ha-customer@test.local');
    restToken = (await restSignUp(server.url, 'ha-rest@test.local')).token;
  });
  afterAll(async () => {
    await server.close();
    await pair.destroy();
  });

  it('serves from the primary even though the standby is listed first', async () => {
    expect(await port()).toBe(pair.primary.port);
    expect((await order()).status).toBe('PENDING');
    expect(await readyz(server)).toBe(200);
  });

  it('refuses to start, when told to, while the standby is not synchronous (a failover could lose a SUCCESS)', async () => {
    const strict = startTestServer({
      databaseUrl: listUrl,
      db: { ...server.config.db, requireSynchronousCommit: true },
    });
    await expect(strict).rejects.toThrow(
      /commits do not wait for it.*DB_REQUIRE_SYNCHRONOUS_COMMIT=true refuses to start/,
    );
  });

  it('answers 503 with Retry-After while no primary answers, finds the promoted standby without a restart, and serves again', async () => {
    await pair.primary.stop('immediate');

    // tRPC: 503, a wait, and nothing of the driver's in the body.
    const trpc = await eventually(async () => {
      const answer = await rawTrpc(server, customer.token, { items: [{ sku: SKU, quantity: 1 }] });
      if (answer.status !== 503) throw new Error(`status ${answer.status}`);
      return answer;
    });
    expect(trpc.retryAfter).toBe('1');
    const body = JSON.parse(trpc.text) as { error: { data: Record<string, unknown> } };
    expect(body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      details: { retryAfterSeconds: 1 },
    });
    expect(trpc.text).not.toMatch(/select|insert|ECONNREFUSED|127\.0\.0\.1|\bat \w+ \(/i);

    // REST, on the ORM's pool (the catalogue) and on the db package's (an order).
    const products = await restCall(server.url, 'GET', '/api/products');
    const rest = await restCall(server.url, 'POST', '/api/orders', {
      token: restToken,
      body: { items: [{ sku: SKU, quantity: 1 }] },
    });
    // The REST answer is the document's own example of a 503, body for body.
    const documented = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(documented.paths['/api/orders']?.post?.responses['503']).toMatchObject({
      headers: { 'Retry-After': { schema: { type: 'integer' } } },
      content: { 'application/json': { examples: { unavailable: { value: rest.body } } } },
    });
    for (const answer of [products, rest] as const) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect((answer.body as { code?: string }).code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(await readyz(server)).toBe(503);

    await pair.standby.promote();
    await eventually(async () => {
      if ((await readyz(server)) !== 200) throw new Error('not ready yet');
    });
    expect((await eventually(order)).status).toBe('PENDING');
    expect(await port()).toBe(pair.standby.port);
    const listed = await restCall(server.url, 'POST', '/api/orders', {
      token: restToken,
      body: { items: [{ sku: SKU, quantity: 1 }] },
    });
    expect(listed.status).toBe(200);
    // The ORM's pool (users) moved too: a new customer signs up and logs in.
    await signUpCustomer(server.url, 'after-failover@test.local');
  });
});
