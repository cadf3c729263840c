import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { restCall, restSignUp } from '../testing/rest-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Every log line the server writes, parsed. */
class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
    done();
  }
  requestLine(requestId: string): Record<string, unknown> | undefined {
    return this.lines.find((line) => line.msg === 'request' && line.requestId === requestId);
  }
}

const logs = new LogCapture();
let server: TestServer;
let user: { token: string; userId: string };

beforeAll(async () => {
  server = await startTestServer({}, { logger: createLogger('info', logs) });
  user = await restSignUp(server.url, 'logged@example.com');
});
afterAll(async () => {
  await server.close();
});

/** The log line of one request, once the response has been written. */
async function lineFor(requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50 && !logs.requestLine(requestId); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const line = logs.requestLine(requestId);
  if (!line) throw new Error(`no log line for ${requestId}`);
  return line;
}

describe('one log line per request', () => {
  it('takes the caller’s x-request-id, returns it, and logs the user, procedure and outcome', async () => {
    const response = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${user.token}`, 'x-request-id': 'req-trpc-1' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-trpc-1');
    const line = await lineFor('req-trpc-1');
    expect(line).toMatchObject({
      level: 30,
      service: 'orders',
      msg: 'request',
      requestId: 'req-trpc-1',
      method: 'GET',
      path: '/trpc/auth.me',
      transport: 'trpc',
      procedure: 'auth.me',
      userId: user.userId,
      status: 200,
      code: 'OK',
    });
    expect(line.latencyMs).toEqual(expect.any(Number));
    expect(line.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
  });

  it('names the procedure behind a REST path, and the error code of a failed call', async () => {
    const headers = { 'x-request-id': 'req-rest-1' };
    const response = await restCall(server.url, 'POST', '/api/orders', {
      token: user.token,
      headers,
      body: { items: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('x-request-id')).toBe('req-rest-1');
    expect(await lineFor('req-rest-1')).toMatchObject({
      transport: 'rest',
      procedure: 'orders.create',
      userId: user.userId,
      status: 422,
      code: 'UNPROCESSABLE_CONTENT',
    });
  });

  it('logs anonymous calls and plain routes without a user', async () => {
    await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'req-plain-1' } });
    const line = await lineFor('req-plain-1');
    expect(line).toMatchObject({
      transport: 'http',
      procedure: '/healthz',
      status: 200,
      code: 'OK',
    });
    expect(line).not.toHaveProperty('userId');
  });

  it('makes up a fresh id when the caller sent none or an unsafe one', async () => {
    for (const sent of [undefined, 'bad id with spaces', 'x'.repeat(200)]) {
      const response = await fetch(`${server.url}/healthz`, {
        headers: sent === undefined ? {} : { 'x-request-id': sent },
      });
      const id = response.headers.get('x-request-id') ?? '';
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await lineFor(id)).path).toBe('/healthz');
    }
  });
});
