import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { TEST_CARDS } from '@orders/core';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { uniqueCardNumber } from '../testing/payment-fixtures.js';
import { restCall, type RestOutputs } from '../testing/rest-client.js';
import { createTestClient, logInAdmin } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Every log line the server writes. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString());
    done();
  }
}

const PASSWORD = 'Pw-never-logged-7c1e9';
// Visa takes three digits; a CVC is a value to look for, not a substring (see expectNoSecrets).
const CVC = '731';
const BAD_CVC = '73a';
const APPROVED_TRPC = uniqueCardNumber();
const APPROVED_REST = uniqueCardNumber();
const NOT_LUHN = '4242424242424241';
const SPACED = '4242 4242 4242 4242';
const PANS = [APPROVED_TRPC, APPROVED_REST, NOT_LUHN, TEST_CARDS.declined, '4242424242424242'];

const logs = new LogCapture();
/** Every error a client received, as the JSON it was sent; every successful payment body. */
const errorBodies: string[] = [];
const paymentBodies: string[] = [];
const tokens: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { logger: createLogger('trace', logs) });
  const admin = await logInAdmin(server.url);
  await admin.inventory.upsert.mutate({ sku: 'SECRET-1', name: 'S', priceCents: 700, onHand: 50 });
});
afterAll(async () => {
  await server.close();
});

const method = (number: string, extra: object = {}) => ({
  type: 'card' as const,
  number,
  expMonth: 12,
  expYear: 2099,
  cvc: CVC,
  ...extra,
});

/** Runs a tRPC call, keeping the error body it failed with (if it did). */
async function trpc(call: Promise<unknown>): Promise<void> {
  try {
    const value = await call;
    if (JSON.stringify(value).includes('"attempts"')) paymentBodies.push(JSON.stringify(value));
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    errorBodies.push(JSON.stringify({ message: error.message, shape: error.shape as unknown }));
  }
}

/** Runs a REST call, keeping the body of an error answer. */
async function rest(...args: Parameters<typeof restCall>): Promise<void> {
  const response = await restCall(...args);
  if (response.status >= 400) errorBodies.push(response.text);
  else if (response.text.includes('"attempts"')) paymentBodies.push(response.text);
}

async function driveTrpc(): Promise<void> {
  const anonymous = createTestClient(server.url);
  const email = 'secret-trpc@example.com';
  await trpc(anonymous.auth.signup.mutate({ email, password: PASSWORD }));
  await trpc(anonymous.auth.signup.mutate({ email, password: PASSWORD }));
  await trpc(
    anonymous.auth.signup.mutate({ email: 'x@y', password: `${PASSWORD}${'x'.repeat(130)}` }),
  );
  await trpc(anonymous.auth.login.mutate({ email, password: `${PASSWORD}-wrong` }));
  const session = await anonymous.auth.login.mutate({ email, password: PASSWORD });
  tokens.push(session.accessToken);
  const user = createTestClient(server.url, session.accessToken);
  await trpc(user.auth.me.query());
  const orders = await Promise.all(
    [1, 2, 3].map(() => user.orders.create.mutate({ items: [{ sku: 'SECRET-1', quantity: 1 }] })),
  );
  const [first, second, third] = orders.map((order) => order.id) as [string, string, string];
  const payWith = (orderId: string, paymentMethod: ReturnType<typeof method>) =>
    trpc(user.payments.pay.mutate({ orderId, paymentMethod, idempotencyKey: randomUUID() }));
  await payWith(first, method(NOT_LUHN));
  await payWith(first, method(APPROVED_TRPC, { cvc: BAD_CVC }));
  await payWith(first, method(APPROVED_TRPC, { expYear: 2001 }));
  await payWith(first, method(SPACED, { number: `${SPACED}x` }));
  await payWith(first, method(APPROVED_TRPC));
  await payWith(second, method(TEST_CARDS.declined));
  await payWith(third, method('4242424242424242'));
  await trpc(createTestClient(server.url, `${session.accessToken}x`).auth.me.query());
}

async function driveRest(): Promise<void> {
  const email = 'secret-rest@example.com';
  await rest(server.url, 'POST', '/auth/signup', { body: { email, password: PASSWORD } });
  await rest(server.url, 'POST', '/auth/signup', { body: { email, password: PASSWORD } });
  await rest(server.url, 'POST', '/auth/login', { body: { email, password: `${PASSWORD}!` } });
  const login = await restCall<RestOutputs['auth']['login']>(server.url, 'POST', '/auth/login', {
    body: { email, password: PASSWORD },
  });
  const token = login.body.accessToken;
  tokens.push(token);
  await rest(server.url, 'GET', '/api/me', { token });
  const placed = await restCall<RestOutputs['orders']['create']>(
    server.url,
    'POST',
    '/api/orders',
    {
      token,
      body: { items: [{ sku: 'SECRET-1', quantity: 1 }] },
    },
  );
  const pay = (paymentMethod: object, key = randomUUID()) =>
    rest(server.url, 'POST', '/api/payment-processor/pay', {
      token,
      headers: { 'Idempotency-Key': key },
      body: { orderId: placed.body.id, paymentMethod },
    });
  await pay(method(NOT_LUHN));
  await pay(method(APPROVED_REST, { cvc: BAD_CVC }));
  await pay(method(APPROVED_REST, { expMonth: 13 }));
  await pay(method(APPROVED_REST));
  await rest(server.url, 'GET', '/api/me', { token: `${token}x` });
}

/** Every string value in a JSON document, however deep. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsIn);
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(PASSWORD);
  for (const pan of [...PANS, SPACED]) expect(text).not.toContain(pan);
  for (const token of tokens) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
  }
  // A CVC is a few digits that could occur inside an id or a time: look for it as a value.
  const values = stringsIn(JSON.parse(text));
  expect(values).not.toContain(CVC);
  expect(values).not.toContain(BAD_CVC);
  expect(values.join('\n')).not.toMatch(/argon2/);
}

describe('secrets never reach a log line or an error body', () => {
  it('keeps passwords, tokens, card numbers and CVCs out of every log line (tRPC and REST)', async () => {
    await driveTrpc();
    await driveRest();
    const requests = logs.lines.filter((line) => line.includes('"msg":"request"'));
    expect(requests.length).toBeGreaterThanOrEqual(25);
    expect(requests.filter((line) => line.includes('"procedure":"payments.pay"'))).toHaveLength(11);
    for (const line of logs.lines) expectNoSecrets(line);
  });

  it('keeps them out of every error body the clients received', () => {
    expect(errorBodies).toHaveLength(14);
    expect(errorBodies.some((body) => body.includes('PAYMENT.INVALID_CARD'))).toBe(true);
    for (const body of errorBodies) expectNoSecrets(body);
  });

  it('answers a payment with the card’s brand and last four digits only', () => {
    expect(paymentBodies).toHaveLength(4);
    for (const body of paymentBodies) {
      expectNoSecrets(body);
      expect(body).toMatch(/"card":\{"brand":"\w+","last4":"\d{4}"\}/);
    }
  });
});
