import { Writable } from 'node:stream';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { AppRouter } from '../router.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Every log line the server writes, kept for inspection. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString());
    done();
  }
}

const PASSWORD = 'p4ssw0rd-never-logged';
const logs = new LogCapture();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { logger: createLogger('trace', logs) });
});
afterAll(async () => {
  await server.close();
});

function client(token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }),
    ],
  });
}

describe('secrets stay out of responses and logs', () => {
  it('refuses an expired token over HTTP, saying it expired', async () => {
    const user = await client().auth.signup.mutate({
      email: 'old@example.com',
      password: PASSWORD,
    });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const { token } = await server.services.tokens.issue(
      { userId: user.id, role: 'CUSTOMER' },
      twoHoursAgo,
    );
    await expect(client(token).auth.me.query()).rejects.toMatchObject({
      data: {
        code: 'UNAUTHORIZED',
        domainCode: 'AUTH.UNAUTHENTICATED',
        details: { reason: 'EXPIRED_TOKEN' },
      },
    });
  });

  it('logs one line per request and never a password, hash or token', async () => {
    await client().auth.signup.mutate({ email: 'quiet@example.com', password: PASSWORD });
    const session = await client().auth.login.mutate({
      email: 'quiet@example.com',
      password: PASSWORD,
    });
    await client(session.accessToken).auth.me.query();
    await client()
      .auth.login.mutate({ email: 'quiet@example.com', password: `${PASSWORD}x` })
      .catch(() => undefined);
    await client()
      .auth.signup.mutate({ email: 'bad', password: PASSWORD })
      .catch(() => undefined);

    const text = logs.lines.join('');
    expect(logs.lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(
      5,
    );
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(session.accessToken);
    expect(text).not.toContain(session.accessToken.split('.')[2]);
    expect(text).not.toMatch(/argon2/);
  });
});
