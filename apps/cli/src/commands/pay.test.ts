import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, OrderLedger, Payment, Product } from '../api-client.js';
import { neverEndingStdin } from '../testing/run-cli.js';
import {
  CARD_FLAGS,
  freshApprovedCard,
  openSession,
  stockProduct,
  type Session,
} from '../testing/session.js';

let server: TestServer;
let admin: Session;
const sessions: Session[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await openSession(server, 'admin');
  await stockProduct(admin, { sku: 'MUG', onHand: 100, priceCents: 1250, name: 'Enamel mug' });
});
afterAll(async () => {
  await Promise.all([admin, ...sessions].map((s) => s.dispose()));
  await server.close();
});

/** A new customer (fraud rules count payments per user) with a fresh PENDING order. */
async function customerWithOrder(on: TestServer = server, quantity = 2) {
  const customer = await openSession(on, 'customer');
  sessions.push(customer);
  const order = await customer.json<Order>(['order', 'create', '--item', `MUG=${quantity}`]);
  return { customer, order };
}

const pay = (customer: Session, orderId: string, card: string, extra: readonly string[] = []) =>
  customer.run(['pay', orderId, '--card', card, ...CARD_FLAGS, ...extra]);

describe('ordersctl pay', () => {
  it('pays in one attempt, telling the fraud verdict, the attempt and the final state', async () => {
    const { customer, order } = await customerWithOrder();
    const result = await pay(customer, order.id, freshApprovedCard());
    expect(result.code).toBe(0);
    const progress = result.stderr.trimEnd().split('\n');
    expect(progress[0]).toMatch(
      /^idempotency key [0-9a-f-]{36} \(retry safely with --idempotency-key\)$/,
    );
    expect(progress.slice(1)).toEqual([
      expect.stringMatching(/^payment \S+: \$25\.00 on mastercard •••• \d{4}$/),
      'fraud check: ALLOW (score 0)',
      expect.stringMatching(/^attempt 1: APPROVED \(\d+ ms\)$/),
      'SUCCESS — order CONFIRMED',
    ]);
    expect(result.stdout).toMatch(/^payment +\S+\nstatus +SUCCESS\namount +\$25\.00\n/);
    expect(result.stdout).toContain(`order     ${order.id} CONFIRMED\n`);
  });

  it('shows each attempt of the flaky card and the wait before each retry, then succeeds', async () => {
    const { customer, order } = await customerWithOrder();
    const result = await pay(customer, order.id, '4000000000000341');
    expect(result.code).toBe(0);
    const progress = result.stderr.trimEnd().split('\n').slice(3);
    expect(progress).toEqual([
      expect.stringMatching(/^attempt 1: ERROR gateway_timeout \(\d+ ms\)$/),
      expect.stringMatching(/^ {2}(next attempt in|retried after) \d\.\d s$/),
      expect.stringMatching(/^attempt 2: ERROR gateway_timeout \(\d+ ms\)$/),
      expect.stringMatching(/^ {2}(next attempt in|retried after) \d\.\d s$/),
      expect.stringMatching(/^attempt 3: APPROVED \(\d+ ms\)$/),
      'SUCCESS — order CONFIRMED',
    ]);
  });

  it.each([
    ['4000000000000002', 'CARD_DECLINED', 1, 'card declined (CARD_DECLINED)'],
    ['4000000000009995', 'INSUFFICIENT_FUNDS', 1, 'insufficient funds (INSUFFICIENT_FUNDS)'],
    ['4000000000000119', 'RETRIES_EXHAUSTED', 3, 'the gateway failed 3 times (RETRIES_EXHAUSTED)'],
  ])(
    'exits 4 when card %s ends in %s, and the order fails with its stock released',
    async (card, failureCode, attempts, reason) => {
      const { customer, order } = await customerWithOrder();
      const stockBefore = await mugAvailable(customer);
      const result = await pay(customer, order.id, card);
      expect(result.code).toBe(4);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        `error: ${reason} — order FAILED, its stock released`,
      );
      const { payment } = await customer.json<OrderLedger>(['ledger', order.id]);
      expect(payment).toMatchObject({ status: 'FAILED_FINAL', failureCode });
      expect(payment?.attempts).toHaveLength(attempts);
      expect(await mugAvailable(customer)).toBe(stockBefore + 2);
    },
  );

  it('exits 4 for a blocklisted card: rejected by the fraud rules, the gateway never called', async () => {
    const { customer, order } = await customerWithOrder();
    const result = await pay(customer, order.id, '4100000000000019');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('fraud check: REJECT (score 100)\n  BLOCKLISTED_CARD +100: ');
    expect(result.stderr).not.toContain('attempt 1');
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: payment rejected by fraud checks (BLOCKLISTED_CARD) — no charge was attempted; order FAILED, its stock released',
    );
  });

  it('prints with --json exactly the final payment, and the generated key on stderr only', async () => {
    const { customer, order } = await customerWithOrder();
    const result = await customer.run([
      '--json',
      'pay',
      order.id,
      '--card',
      '4000000000000341',
      ...CARD_FLAGS,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^idempotency key: [0-9a-f-]{36}\n$/);
    const payment = JSON.parse(result.stdout) as Payment;
    expect(payment).toEqual(await (await customer.api()).payments.get.query({ orderId: order.id }));
    expect(payment).toMatchObject({ status: 'SUCCESS', order: { status: 'CONFIRMED' } });
    expect(payment.attempts.map((a) => a.outcome)).toEqual(['ERROR', 'ERROR', 'APPROVED']);
  });

  it('prints the failed payment with --json too, and still exits 4', async () => {
    const { customer, order } = await customerWithOrder();
    const result = await customer.run([
      '--json',
      'pay',
      order.id,
      '--card',
      '4000000000000002',
      ...CARD_FLAGS,
      '--idempotency-key',
      'k-1',
    ]);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'CARD_DECLINED',
    });
    expect(result.stderr).toBe(
      'error: card declined (CARD_DECLINED) — order FAILED, its stock released\n',
    );
  });

  it('never charges twice: the same idempotency key answers with the same payment', async () => {
    const { customer, order } = await customerWithOrder();
    const card = freshApprovedCard();
    const key = ['--idempotency-key', `retry-${order.id}`];
    const first = await customer.run([
      '--json',
      'pay',
      order.id,
      '--card',
      card,
      ...CARD_FLAGS,
      ...key,
    ]);
    const again = await customer.run([
      '--json',
      'pay',
      order.id,
      '--card',
      card,
      ...CARD_FLAGS,
      ...key,
    ]);
    expect([first.code, again.code]).toEqual([0, 0]);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout));
    const ledger = await customer.json<OrderLedger>(['ledger', order.id]);
    expect(ledger.payment?.attempts).toHaveLength(1);
    expect(ledger.entries.map((e) => e.kind)).toEqual(['CAPTURE']);
  });

  it('exits 2 when the key was used with another card, and when a paid order is paid again', async () => {
    const { customer, order } = await customerWithOrder();
    const key = ['--idempotency-key', `k-${order.id}`];
    expect((await pay(customer, order.id, freshApprovedCard(), key)).code).toBe(0);
    const reused = await pay(customer, order.id, freshApprovedCard(), key);
    expect(reused.code).toBe(2);
    expect(reused.stderr).toContain('error: that idempotency key was used for a different request');
    const twice = await pay(customer, order.id, freshApprovedCard());
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`error: order ${order.id} already has a payment (SUCCESS)`);
  });

  it('exits 2 at once naming the flag for each card detail missing without a terminal', async () => {
    const { customer, order } = await customerWithOrder();
    const cases = [
      [[], '--card <number>'],
      [['--card', '4242424242424242', '--cvc', '123'], '--exp <MM/YY>'],
      [['--card', '4242424242424242', '--exp', '12/35'], '--cvc <cvc>'],
    ] as const;
    for (const [flags, named] of cases) {
      const result = await customer.run(['pay', order.id, ...flags], { stdin: neverEndingStdin() });
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toContain(`— pass ${named} (no terminal to ask on)`);
    }
    expect((await customer.run(['pay', order.id, '--card', '4242', '--exp', '13/35'])).code).toBe(
      2,
    );
  });

  it.each([
    ['a malformed order id', 'not-an-order', ['--card', '4242424242424242', ...CARD_FLAGS]],
    ['a card number failing Luhn', '', ['--card', '4242424242424241', ...CARD_FLAGS]],
    ['an expired card', '', ['--card', '4242424242424242', '--exp', '01/20', '--cvc', '123']],
    ['a CVC of two digits', '', ['--card', '4242424242424242', '--exp', '12/35', '--cvc', '12']],
    [
      'a visa with a 4-digit CVC',
      '',
      ['--card', '4242424242424242', '--exp', '12/35', '--cvc', '1234'],
    ],
    [
      'an idempotency key too long',
      '',
      ['--card', '4242424242424242', ...CARD_FLAGS, '--idempotency-key', 'k'.repeat(256)],
    ],
  ])(
    'exits 2 for %s before announcing an idempotency key, since no retry could mend it',
    async (_case, id, flags) => {
      const { customer, order } = await customerWithOrder();
      for (const json of [[], ['--json']]) {
        const result = await customer.run([...json, 'pay', id || order.id, ...flags]);
        expect(result).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toMatch(/^error: .+\n$/);
        expect(result.stderr).not.toContain('idempotency key');
      }
      const { status } = await customer.json<Order>(['order', 'show', order.id]);
      expect(status).toBe('PENDING');
    },
  );

  it('exits 2 for a card the server refuses, and 6 for an order that is not yours', async () => {
    const { customer, order } = await customerWithOrder();
    const luhn = await pay(customer, order.id, '4242424242424241');
    expect(luhn.code).toBe(2);
    expect(luhn.stderr).toContain('error: The card was refused: the card number is not valid.');
    const other = await openSession(server, 'customer');
    sessions.push(other);
    expect((await pay(other, order.id, freshApprovedCard())).code).toBe(6);
  });
});

describe('ordersctl pay against a server that answers before the payment is final', () => {
  let quick: TestServer;
  beforeAll(async () => {
    quick = await startTestServer({ payments: { ...server.config.payments, payWaitMs: 0 } });
    const quickAdmin = await openSession(quick, 'admin');
    sessions.push(quickAdmin);
    await stockProduct(quickAdmin, { sku: 'MUG', onHand: 10, priceCents: 1250 });
  });
  afterAll(async () => {
    await quick.close();
  });

  it('keeps polling until the final state and ends with it', async () => {
    const { customer, order } = await customerWithOrder(quick, 1);
    const result = await customer.run([
      '--json',
      'pay',
      order.id,
      '--card',
      '4000000000000341',
      ...CARD_FLAGS,
    ]);
    expect(result.code).toBe(0);
    const payment = JSON.parse(result.stdout) as Payment;
    expect(payment.status).toBe('SUCCESS');
    expect(payment.attempts).toHaveLength(3);
  });
});

async function mugAvailable(session: Session): Promise<number> {
  const products = await session.json<Product[]>(['products']);
  return products.find((p) => p.sku === 'MUG')?.available ?? Number.NaN;
}
