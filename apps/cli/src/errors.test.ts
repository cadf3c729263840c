import { createServer, type Server } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { createApiClient } from './api-client.js';
import { ExitError, exitErrorFrom } from './errors.js';
import { refusingServerUrl } from './testing/run-cli.js';

const SERVER = 'http://127.0.0.1:4000';

/** A client error exactly as tRPC builds it from an error response. */
function apiError(data: Record<string, unknown>, message = 'server says no') {
  return TRPCClientError.from({ error: { code: -32600, message, data } });
}

/** What the client really throws when a request to `server` fails. */
async function failureAgainst(server: string, timeoutMs = 5_000): Promise<unknown> {
  const client = await createApiClient({ server, userAgent: 'test', timeoutMs });
  return client.auth.me.query().then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

describe('exitErrorFrom', () => {
  it('switches on the domain code before the tRPC code', () => {
    const failure = exitErrorFrom(
      apiError({ code: 'UNAUTHORIZED', domainCode: 'AUTH.INVALID_CREDENTIALS' }),
      SERVER,
    );
    expect(failure).toMatchObject({ code: 3, message: 'wrong email or password' });
  });

  it('falls back to the tRPC code, with the server message, for a domain code it does not know', () => {
    const error = apiError(
      { code: 'NOT_FOUND', domainCode: 'ORDER.NOT_FOUND' },
      'Order o1 not found.',
    );
    expect(exitErrorFrom(error, SERVER)).toMatchObject({ code: 6, message: 'Order o1 not found.' });
  });

  it.each([
    ['FORBIDDEN', 6],
    ['NOT_FOUND', 6],
    ['BAD_REQUEST', 2],
    ['UNPROCESSABLE_CONTENT', 2],
    ['CONFLICT', 2],
    ['UNAUTHORIZED', 3],
    ['TOO_MANY_REQUESTS', 1],
    ['INTERNAL_SERVER_ERROR', 1],
    ['SERVICE_UNAVAILABLE', 5],
    ['SOMETHING_NEW', 1],
  ])('maps %s to exit %i', (code, exit) => {
    expect(exitErrorFrom(apiError({ code }), SERVER).code).toBe(exit);
  });

  it('lists every input problem on one line', () => {
    const error = apiError({
      code: 'BAD_REQUEST',
      issues: [
        { path: 'email', message: 'Invalid email address' },
        { path: 'password', message: 'Too small' },
      ],
    });
    expect(exitErrorFrom(error, SERVER).message).toBe(
      'invalid input — email: Invalid email address; password: Too small',
    );
  });

  it('says the service is unavailable and to try again when the server answers 503', () => {
    const error = apiError(
      { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, details: { retryAfterSeconds: 1 } },
      'the service is unavailable (its database cannot be reached); try again shortly',
    );
    expect(exitErrorFrom(error, SERVER)).toMatchObject({
      code: 5,
      message: 'the service is unavailable, try again in 1 s',
    });
    expect(exitErrorFrom(apiError({ code: 'SERVICE_UNAVAILABLE' }), SERVER)).toMatchObject({
      code: 5,
      message: 'the service is unavailable, try again shortly',
    });
  });

  it('tells how long to wait when rate limited', () => {
    const error = apiError({
      code: 'TOO_MANY_REQUESTS',
      domainCode: 'AUTH.RATE_LIMITED',
      details: { retryAfterMs: 42_300 },
    });
    expect(exitErrorFrom(error, SERVER)).toMatchObject({
      code: 1,
      message: 'too many login attempts — try again in 43 s',
    });
  });

  it('exits 5 naming the URL when nothing listens there', async () => {
    const server = await refusingServerUrl();
    const failure = exitErrorFrom(await failureAgainst(server), server);
    expect(failure.code).toBe(5);
    expect(failure.message).toBe(
      `cannot reach the server at ${server} (connection refused) — is it running? set --server or ORDERSCTL_SERVER`,
    );
    expect(failure.detail.join('\n')).toContain('ECONNREFUSED');
  });

  it('exits 5 when the server accepts the connection but never answers', async () => {
    const silent = createServer(() => undefined);
    const port = await listen(silent);
    try {
      const server = `http://127.0.0.1:${port}`;
      const failure = exitErrorFrom(await failureAgainst(server, 200), server);
      expect(failure).toMatchObject({ code: 5 });
      expect(failure.message).toContain('(no answer in time)');
    } finally {
      silent.close();
      // close() waits for the held connection; it is dropped with the test process anyway.
    }
  });

  it('explains a stock shortage from its facts and points at the catalogue', () => {
    const error = apiError({
      code: 'CONFLICT',
      domainCode: 'INVENTORY.INSUFFICIENT_STOCK',
      details: { sku: 'MUG', requested: 9, available: 2 },
    });
    expect(exitErrorFrom(error, SERVER)).toMatchObject({
      code: 2,
      message: 'not enough stock of MUG: asked for 9, 2 available — see `ordersctl products`',
    });
  });

  it.each([
    [
      'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
      'UNPROCESSABLE_CONTENT',
      { orderId: 'o1', requestedCents: 2000, refundableCents: 1500, currency: 'USD' },
      'cannot refund $20.00 of order o1: only $15.00 is left to refund — pass --amount 1500 or less',
    ],
    [
      'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
      'UNPROCESSABLE_CONTENT',
      { orderId: 'o1', requestedCents: 100, refundableCents: 0, currency: 'EUR' },
      'cannot refund €1.00 of order o1: nothing is left to refund — see `ordersctl ledger o1`',
    ],
    [
      'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
      'UNPROCESSABLE_CONTENT',
      { orderId: 'o1', requestedCents: 0, refundableCents: 0, currency: 'USD' },
      'nothing is left to refund of order o1 — see `ordersctl ledger o1`',
    ],
    [
      'REFUND.NOT_REFUNDABLE',
      'CONFLICT',
      { orderId: 'o1', orderStatus: 'REFUNDED', paymentStatus: 'SUCCESS' },
      'order o1 is REFUNDED: nothing is left to refund — see `ordersctl ledger o1`',
    ],
    [
      'REFUND.NOT_REFUNDABLE',
      'CONFLICT',
      { orderId: 'o1', orderStatus: 'FAILED', paymentStatus: 'FAILED_FINAL' },
      'order o1 has no successful payment to refund (FAILED_FINAL) — an unpaid order is cancelled, not refunded',
    ],
    [
      'REFUND.INVALID_RESTOCK',
      'UNPROCESSABLE_CONTENT',
      { sku: 'MUG', requested: 3, restockable: 1 },
      'cannot restock 3 × MUG: only 1 can be (what the order bought of it, less what other refunds restock)',
    ],
    [
      'REFUND.INVALID_AMOUNT',
      'BAD_REQUEST',
      { amountCents: 0 },
      'a refund needs a positive amount of cents; got 0',
    ],
  ])(
    'explains %s from its facts as a request to change (exit 2), like a stock shortage',
    (domainCode, code, details, message) => {
      const error = apiError({ code, domainCode, details });
      expect(exitErrorFrom(error, SERVER)).toMatchObject({ code: 2, message });
    },
  );

  it('treats a fraud rejection reported as an error as a payment that did not succeed (exit 4)', () => {
    const error = apiError({ code: 'UNPROCESSABLE_CONTENT', domainCode: 'FRAUD.REJECTED' });
    expect(exitErrorFrom(error, SERVER).code).toBe(4);
  });

  it('keeps an ExitError as it is', () => {
    const error = new ExitError(4, 'payment declined');
    expect(exitErrorFrom(error, SERVER)).toBe(error);
  });

  it('calls anything else unexpected (exit 1), with the stack only as detail', () => {
    const failure = exitErrorFrom(new RangeError('boom'), SERVER);
    expect(failure).toMatchObject({ code: 1, message: 'unexpected failure: boom' });
    expect(failure.message).not.toContain('\n');
    expect(failure.detail.length).toBeGreaterThan(0);
  });
});
