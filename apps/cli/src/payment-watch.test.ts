import { describe, expect, it } from 'vitest';
import type { Payment } from './api-client.js';
import { ExitError } from './errors.js';
import { watchPayment, watchUntilFinal } from './payment-watch.js';
import { approvedAt, errorAt, snapshot } from './testing/payment-snapshots.js';

/** A settable promise, to decide in the test when `pay` answers. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('watchPayment', () => {
  it('polls while pay is running, reporting every snapshot, then ends with what pay answers', async () => {
    const answer = deferred<Payment>();
    const polled = [
      undefined, // not created yet: PAYMENT.NOT_FOUND
      snapshot('RETRY', [errorAt(1, 0)], { nextAttemptAtMs: 200 }),
      snapshot('PROCESSING', [errorAt(1, 0)]),
    ];
    const seen: string[] = [];
    const final = snapshot('SUCCESS', [errorAt(1, 0), approvedAt(2, 200)]);
    const result = watchPayment({
      pay: () => answer.promise,
      get: () => {
        const next = polled.shift();
        if (polled.length === 0) answer.resolve(final);
        return Promise.resolve(next);
      },
      onSnapshot: (p) => seen.push(p.status),
      pollMs: 1,
      settleTimeoutMs: 1000,
    });
    expect(await result).toBe(final);
    expect(seen).toEqual(['RETRY', 'PROCESSING', 'SUCCESS']);
  });

  it('keeps polling after pay answers with a payment still in flight, until it is final', async () => {
    let polls = 0;
    const result = await watchPayment({
      pay: () => Promise.resolve(snapshot('INITIATED', [])),
      get: () => {
        polls += 1;
        const next = polls < 3 ? snapshot('RETRY', [errorAt(1, 0)]) : snapshot('SUCCESS', []);
        return Promise.resolve(next);
      },
      onSnapshot: () => undefined,
      pollMs: 1,
      settleTimeoutMs: 1000,
    });
    expect(result.status).toBe('SUCCESS');
    expect(polls).toBe(3);
  });

  it('gives up with exit 1 when the payment is still not final after the timeout', async () => {
    let clock = 0;
    const watching = watchPayment({
      pay: () => Promise.resolve(snapshot('RETRY', [errorAt(1, 0)])),
      get: () => Promise.resolve(snapshot('RETRY', [errorAt(1, 0)])),
      onSnapshot: () => undefined,
      pollMs: 1,
      settleTimeoutMs: 5000,
      sleep: async () => {
        clock += 1000;
        await tick();
      },
      now: () => clock,
    });
    const error = await watching.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({
      code: 1,
      message:
        'payment pay-1 is still RETRY after 5 s — see how it ends with `ordersctl ledger order-1`',
    });
  });

  it('fails as pay fails, whatever the polls said meanwhile', async () => {
    const refused = new Error('order is not PENDING');
    await expect(
      watchPayment({
        pay: () => Promise.reject(refused),
        get: () => Promise.reject(new Error('poll failed')),
        onSnapshot: () => undefined,
        pollMs: 1,
        settleTimeoutMs: 1000,
      }),
    ).rejects.toBe(refused);
  });

  it('watches a refund the same way, naming it when it never ends', async () => {
    let clock = 0;
    const stuck = { id: 'refund-1', orderId: 'order-1', status: 'RETRY' };
    const watching = watchUntilFinal({
      start: () => Promise.resolve(stuck),
      get: () => Promise.resolve(stuck),
      isFinal: (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED',
      noun: 'refund',
      onSnapshot: () => undefined,
      pollMs: 1,
      settleTimeoutMs: 2000,
      sleep: async () => {
        clock += 1000;
        await tick();
      },
      now: () => clock,
    });
    await expect(watching).rejects.toMatchObject({
      code: 1,
      message:
        'refund refund-1 is still RETRY after 2 s — see how it ends with `ordersctl ledger order-1`',
    });
  });
});
