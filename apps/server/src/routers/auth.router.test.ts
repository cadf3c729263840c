import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../router.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
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

/** The error a call failed with, or a test failure if it succeeded. */
async function failure(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function rawPost(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('auth.signup', () => {
  it('creates a customer and returns it without any password material', async () => {
    const { status, text } = await rawPost(
      '/trpc/auth.signup',
      JSON.stringify({ email: 'Ann@Example.com', password: 'correct horse', name: 'Ann' }),
    );
    expect(status).toBe(200);
    const user = (JSON.parse(text) as { result: { data: Record<string, unknown> } }).result.data;
    expect(user).toEqual({
      id: expect.any(String),
      email: 'ann@example.com',
      name: 'Ann',
      role: 'CUSTOMER',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(text).not.toMatch(/argon2|correct horse|password/i);
  });

  it('refuses an email that is already registered, whatever its case', async () => {
    await client().auth.signup.mutate({ email: 'dup@example.com', password: 'password-1' });
    const error = await failure(
      client().auth.signup.mutate({ email: ' DUP@example.com ', password: 'password-2' }),
    );
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.domainCode).toBe('AUTH.EMAIL_TAKEN');
    expect(error.data?.httpStatus).toBe(409);
  });

  it('ignores a role smuggled into the request: the account is a CUSTOMER', async () => {
    const { text } = await rawPost(
      '/trpc/auth.signup',
      JSON.stringify({ email: 'mallory@example.com', password: 'password-1', role: 'ADMIN' }),
    );
    expect(text).toContain('"role":"CUSTOMER"');
    const session = await client().auth.login.mutate({
      email: 'mallory@example.com',
      password: 'password-1',
    });
    expect(session.user.role).toBe('CUSTOMER');
    const me = await client(session.accessToken).auth.me.query();
    expect(me.role).toBe('CUSTOMER');
  });

  it('explains bad input field by field, without echoing the password', async () => {
    const error = await failure(
      client().auth.signup.mutate({ email: 'not-an-email', password: 'short7!' }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.issues?.map((i) => i.path).sort()).toEqual(['email', 'password']);
    expect(JSON.stringify(error.data)).not.toContain('short7!');
  });

  it('refuses a NUL in the name as a field problem, and creates no account', async () => {
    const email = 'hostile-new@example.com';
    const { status, text } = await rawPost(
      '/trpc/auth.signup',
      JSON.stringify({ email, password: 'long-enough-9', name: '\u0000' }),
    );
    expect(status).toBe(400);
    const { error } = JSON.parse(text) as {
      error: { message: string; data: { code: string; issues: unknown } };
    };
    expect(error.message).toBe('invalid input');
    expect(error.data.code).toBe('BAD_REQUEST');
    expect(error.data.issues).toEqual([
      { path: 'name', message: 'must not contain a NUL character' },
    ]);
    // Nothing was written: the address is still free.
    const created = await client().auth.signup.mutate({ email, password: 'long-enough-9' });
    expect(created.email).toBe(email);
  });

  it('refuses a password longer than 128 characters', async () => {
    const error = await failure(
      client().auth.signup.mutate({ email: 'long@example.com', password: 'x'.repeat(129) }),
    );
    expect(error.data?.issues?.[0]?.path).toBe('password');
  });
});

describe('auth.login and auth.me', () => {
  beforeAll(async () => {
    await client().auth.signup.mutate({ email: 'bob@example.com', password: 'bob-password' });
  });

  it('issues a bearer token that auth.me accepts', async () => {
    const session = await client().auth.login.mutate({
      email: 'BOB@example.com',
      password: 'bob-password',
    });
    expect(session.tokenType).toBe('Bearer');
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const me = await client(session.accessToken).auth.me.query();
    expect(me).toEqual(session.user);
    expect(me.email).toBe('bob@example.com');
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await failure(
      client().auth.login.mutate({ email: 'nobody@example.com', password: 'bob-password' }),
    );
    const wrong = await failure(
      client().auth.login.mutate({ email: 'bob@example.com', password: 'not-his-password' }),
    );
    expect(unknown.data?.domainCode).toBe('AUTH.INVALID_CREDENTIALS');
    expect(wrong.data?.domainCode).toBe('AUTH.INVALID_CREDENTIALS');
    expect(unknown.message).toBe(wrong.message);
    expect(unknown.data?.httpStatus).toBe(401);
  });

  it('logs the bootstrapped admin in as ADMIN', async () => {
    const session = await client().auth.login.mutate(TEST_ADMIN);
    expect(session.user.role).toBe('ADMIN');
  });

  it('refuses auth.me without a token, with a malformed one, and with a forged one', async () => {
    const missing = await failure(client().auth.me.query());
    expect(missing.data?.code).toBe('UNAUTHORIZED');
    expect(missing.data?.details).toEqual({ reason: 'MISSING_TOKEN' });
    const malformed = await failure(client('not-a-jwt').auth.me.query());
    expect(malformed.data?.details).toEqual({ reason: 'INVALID_TOKEN' });
    const session = await client().auth.login.mutate({
      email: 'bob@example.com',
      password: 'bob-password',
    });
    const forged = `${session.accessToken.slice(0, -4)}AAAA`;
    const refused = await failure(client(forged).auth.me.query());
    expect(refused.data?.domainCode).toBe('AUTH.UNAUTHENTICATED');
  });
});

describe('the login rate limit', () => {
  it('refuses the sixth attempt in a minute for one email, even with the right password', async () => {
    await client().auth.signup.mutate({ email: 'carol@example.com', password: 'carol-password' });
    for (let i = 0; i < 5; i++) {
      const error = await failure(
        client().auth.login.mutate({ email: 'carol@example.com', password: 'wrong-guess' }),
      );
      expect(error.data?.domainCode).toBe('AUTH.INVALID_CREDENTIALS');
    }
    const limited = await failure(
      client().auth.login.mutate({ email: 'carol@example.com', password: 'carol-password' }),
    );
    expect(limited.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(limited.data?.domainCode).toBe('AUTH.RATE_LIMITED');
    expect(limited.data?.httpStatus).toBe(429);
  });

  it('does not hold a successful login against the next ones', async () => {
    await client().auth.signup.mutate({ email: 'dave@example.com', password: 'dave-password' });
    for (let i = 0; i < 8; i++) {
      await client().auth.login.mutate({ email: 'dave@example.com', password: 'dave-password' });
    }
  });
});

describe('the HTTP surface', () => {
  it('answers the liveness and readiness probes', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const big = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(100_000) });
    expect((await rawPost('/trpc/auth.signup', big)).status).toBe(413);
  });

  it('answers malformed JSON with a 400 and no stack trace', async () => {
    const { status, text } = await rawPost('/trpc/auth.signup', '{"email":');
    expect(status).toBe(400);
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
