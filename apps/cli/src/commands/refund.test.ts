import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, OrderLedger, OrderPage, Product, Refund } from '../api-client.js';
import { neverEndingStdin } from '../testing/run-cli.js';
import {
  CARD_FLAGS,
  freshApprovedCard,
  openSession,
  stockProduct,
  type Session,
} from '../testing/session.js';

/** The simulator approves payments with this card and refuses every refund of them. */
const REFUND_FAILING_CARD = '4000000000005126';

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

/** A new customer's order of `quantity` mugs, paid by card through `ordersctl pay`. */
async function paidOrder(quantity = 2, card = freshApprovedCard(), on = server) {
  const customer = await openSession(on, 'customer');
  sessions.push(customer);
  const order = await customer.json<Order>(['order', 'create', '--item', `MUG=${quantity}`]);
  const paid = await customer.run(['pay', order.id, '--card', card, ...CARD_FLAGS]);
  expect(paid.code, paid.stderr).toBe(0);
  return { customer, order };
}

async function mug(session: Session): Promise<Product | undefined> {
  return (await session.json<Product[]>(['products'])).find((p) => p.sku === 'MUG');
}

async function refundsOf(orderId: string): Promise<Refund[]> {
  return (await admin.api()).refunds.list.query({ orderId });
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('ordersctl refund', () => {
  it('refunds part of an order, restocking a unit, showing the attempt live and what is left', async () => {
    const { customer, order } = await paidOrder(3);
    const before = await mug(admin);
    const result = await admin.run([
      'refund',
      order.id,
      '--amount',
      '1250',
      '--reason',
      'requested_by_customer',
      '--restock',
      'mug=1',
      '--note',
      'one mug came broken',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const progress = result.stderr.trimEnd().split('\n');
    expect(progress).toEqual([
      expect.stringMatching(
        /^idempotency key [0-9a-f-]{36} \(retry safely with --idempotency-key\)$/,
      ),
      expect.stringMatching(
        new RegExp(`^refund \\S+: \\$12\\.50 of order ${order.id} \\(requested_by_customer\\)$`),
      ),
      expect.stringMatching(/^attempt 1: APPROVED \(\d+ ms\)$/),
      'SUCCEEDED — $12.50 refunded, 1 × MUG restocked',
    ]);
    const [refund] = await refundsOf(order.id);
    expect(result.stdout).toBe(
      [
        `refund     ${refund?.id ?? '?'}`,
        'status     SUCCEEDED',
        'amount     $12.50',
        'reason     requested_by_customer',
        'note       one mug came broken',
        'restocked  1 × MUG',
        'attempts   1',
        `order      ${order.id} PARTIALLY_REFUNDED`,
        'refunded   $12.50 of $37.50 (1 refund); $25.00 left to refund',
        '',
      ].join('\n'),
    );
    expect(await mug(admin)).toMatchObject({
      onHand: (before?.onHand ?? Number.NaN) + 1,
      reserved: before?.reserved,
    });
    const listed = await customer.json<OrderPage>([
      'order',
      'list',
      '--status',
      'partially_refunded',
    ]);
    expect(listed.items.map((o) => o.id)).toEqual([order.id]);
  });

  it('refunds all that is left when no amount is given: the order is REFUNDED, shown so everywhere', async () => {
    const { customer, order } = await paidOrder(2);
    const result = await admin.run(['refund', order.id, '--reason', 'duplicate']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`order      ${order.id} REFUNDED\n`);
    expect(result.stdout).toContain(
      'refunded   $25.00 of $25.00 (1 refund); $0.00 left to refund\n',
    );

    const shown = await customer.run(['order', 'show', order.id]);
    expect(shown.stdout).toContain('status   REFUNDED\n');
    expect(shown.stdout).toContain('Refunded $25.00 of $25.00 (1 refund); $0.00 left to refund\n');
    expect(shown.stdout).toMatch(/ {2}\S{36} {2}SUCCEEDED {2}\$25\.00 {2}duplicate +—\n$/);

    const ledger = await customer.run(['ledger', order.id]);
    expect(ledger.stdout).toContain('refunded  $25.00 of $25.00 (1 refund); $0.00 left to refund');
    expect(ledger.stdout).toMatch(/\nRefunds\n {2}REFUND \S{36} SUCCEEDED {2}\$25\.00 {2}/);
    expect(ledger.stdout).toMatch(/ {2}REFUND refund:\S{36} {2}\d{4}-/);
    expect(ledger.stdout).toContain(
      [
        '    ACCOUNT                   DEBIT  CREDIT',
        '    revenue:refunds          $25.00',
        '    assets:gateway_clearing          $25.00',
      ].join('\n'),
    );
    const { entries } = await customer.json<OrderLedger>(['ledger', order.id]);
    expect(entries.map((e) => e.kind)).toEqual(['CAPTURE', 'REFUND']);

    const again = await admin.run(['refund', order.id, '--reason', 'duplicate']);
    expect(again.code).toBe(2);
    expect(lastLine(again.stderr)).toBe(
      `error: nothing is left to refund of order ${order.id} — see \`ordersctl ledger ${order.id}\``,
    );
  });

  it('exits 2 over the cap, the refusal naming what is left, and refunds nothing', async () => {
    const { order } = await paidOrder(2);
    expect(
      (await admin.run(['refund', order.id, '--amount', '1000', '--reason', 'other'])).code,
    ).toBe(0);
    const over = await admin.run(['refund', order.id, '--amount', '2000', '--reason', 'other']);
    expect(over).toMatchObject({ code: 2, stdout: '' });
    expect(lastLine(over.stderr)).toBe(
      `error: cannot refund $20.00 of order ${order.id}: only $15.00 is left to refund — pass --amount 1500 or less`,
    );
    expect((await refundsOf(order.id)).map((r) => r.amountCents)).toEqual([1000]);
  });

  it('exits 2 for a restock beyond what the order bought, naming what can go back', async () => {
    const { order } = await paidOrder(2);
    const result = await admin.run(['refund', order.id, '--reason', 'other', '--restock', 'MUG=3']);
    expect(result.code).toBe(2);
    expect(lastLine(result.stderr)).toBe(
      'error: cannot restock 3 × MUG: only 2 can be (what the order bought of it, less what other refunds restock)',
    );
  });

  it('exits 4 when the gateway refuses the refund: nothing given back or restocked, the order unchanged', async () => {
    const { customer, order } = await paidOrder(2, REFUND_FAILING_CARD);
    const before = await mug(admin);
    const result = await admin.run([
      'refund',
      order.id,
      '--reason',
      'requested_by_customer',
      '--restock',
      'MUG=2',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/\nattempt 1: DECLINED refund_failed \(\d+ ms\)\n/);
    expect(result.stderr).toContain('FAILED REFUND_FAILED — nothing refunded, nothing restocked\n');
    expect(lastLine(result.stderr)).toBe(
      'error: refund failed: the gateway refused it (REFUND_FAILED) — nothing was refunded or restocked; $25.00 left to refund',
    );
    expect(result.stdout).toContain('status     FAILED REFUND_FAILED\n');
    expect(result.stdout).toContain('restocked  nothing (2 × MUG goes back only on success)\n');
    expect(result.stdout).toContain(`order      ${order.id} CONFIRMED\n`);
    expect(await mug(admin)).toEqual(before);
    const { entries } = await customer.json<OrderLedger>(['ledger', order.id]);
    expect(entries.map((e) => e.kind)).toEqual(['CAPTURE']);
  });

  it('exits 6 for a customer, even on their own paid order: refunds are for admins', async () => {
    const { customer, order } = await paidOrder(1);
    const result = await customer.run(['refund', order.id, '--reason', 'requested_by_customer']);
    expect(result).toMatchObject({ code: 6, stdout: '' });
    expect(lastLine(result.stderr)).toBe('error: forbidden — this needs an admin account');
    expect(await refundsOf(order.id)).toEqual([]);
  });

  it('exits 6 for an order that does not exist, before announcing a key', async () => {
    const result = await admin.run([
      'refund',
      '00000000-0000-4000-8000-000000000000',
      '--reason',
      'other',
    ]);
    expect(result).toMatchObject({ code: 6, stdout: '' });
    expect(result.stderr).not.toContain('idempotency key');
  });

  it('exits 2 for an order never paid: there is nothing to refund', async () => {
    const customer = await openSession(server, 'customer');
    sessions.push(customer);
    const order = await customer.json<Order>(['order', 'create', '--item', 'MUG=1']);
    const result = await admin.run(['refund', order.id, '--reason', 'other']);
    expect(result.code).toBe(2);
    expect(lastLine(result.stderr)).toBe(
      `error: order ${order.id} has no successful payment to refund (none) — an unpaid order is cancelled, not refunded`,
    );
  });

  it('prints with --json exactly the refund the API returns, and the generated key on stderr only', async () => {
    const { order } = await paidOrder(2);
    const result = await admin.run([
      '--json',
      'refund',
      order.id,
      '--amount',
      '500',
      '--reason',
      'fraudulent',
      '--restock',
      'MUG=1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^idempotency key: [0-9a-f-]{36}\n$/);
    const refund = JSON.parse(result.stdout) as Refund;
    expect(await refundsOf(order.id)).toEqual([refund]);
    expect(refund).toMatchObject({
      orderId: order.id,
      amountCents: 500,
      currency: 'USD',
      reason: 'fraudulent',
      note: null,
      status: 'SUCCEEDED',
      failureCode: null,
      restock: [{ sku: 'MUG', quantity: 1 }],
    });
  });

  it('prints the failed refund with --json too, and still exits 4', async () => {
    const { order } = await paidOrder(1, REFUND_FAILING_CARD);
    const result = await admin.run([
      '--json',
      'refund',
      order.id,
      '--reason',
      'other',
      '--idempotency-key',
      `k-${order.id}`,
    ]);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'FAILED',
      failureCode: 'REFUND_FAILED',
    });
    expect(result.stderr).toBe(
      'error: refund failed: the gateway refused it (REFUND_FAILED) — nothing was refunded or restocked\n',
    );
  });

  it('never refunds twice: the same idempotency key answers with the same refund', async () => {
    const { order } = await paidOrder(2);
    const argv = ['refund', order.id, '--amount', '700', '--reason', 'other'];
    const key = ['--idempotency-key', `refund-${order.id}`];
    const first = await admin.run(['--json', ...argv, ...key]);
    const again = await admin.run(['--json', ...argv, ...key]);
    expect([first.code, again.code]).toEqual([0, 0]);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout));
    expect(await refundsOf(order.id)).toHaveLength(1);
    const reused = await admin.run([
      'refund',
      order.id,
      '--amount',
      '800',
      '--reason',
      'other',
      ...key,
    ]);
    expect(reused.code).toBe(2);
    expect(reused.stderr).toContain('error: that idempotency key was used for a different request');
  });

  it.each([
    ['a malformed order id', ['refund', 'not-an-order', '--reason', 'other']],
    ['an amount of 0', ['refund', '', '--amount', '0', '--reason', 'other']],
    ['an amount in dollars', ['refund', '', '--amount', '12.50', '--reason', 'other']],
    ['a negative amount', ['refund', '', '--amount', '-5', '--reason', 'other']],
    ['an unknown reason', ['refund', '', '--reason', 'changed_mind']],
    ['a restock that is not SKU=QTY', ['refund', '', '--reason', 'other', '--restock', 'MUG']],
    ['a restock of 0 units', ['refund', '', '--reason', 'other', '--restock', 'MUG=0']],
    ['a note too long', ['refund', '', '--reason', 'other', '--note', 'n'.repeat(501)]],
    [
      'an idempotency key too long',
      ['refund', '', '--reason', 'other', '--idempotency-key', 'k'.repeat(256)],
    ],
  ])(
    'exits 2 for %s before announcing an idempotency key, since no retry could mend it',
    async (_case, argv) => {
      const { order } = await paidOrder(1);
      const withId = argv.map((a) => (a === '' ? order.id : a));
      for (const json of [[], ['--json']]) {
        const result = await admin.run([...json, ...withId]);
        expect(result).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toMatch(/^error: .+\n$/);
        expect(result.stderr).not.toContain('idempotency key');
      }
      expect(await refundsOf(order.id)).toEqual([]);
    },
  );

  it('exits 2 at once, naming --reason, when no reason is given and there is no terminal to ask on', async () => {
    const { order } = await paidOrder(1);
    const result = await admin.run(['refund', order.id, '--amount', '100'], {
      stdin: neverEndingStdin(),
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: missing refund reason — pass --reason <requested_by_customer|duplicate|fraudulent|other> (no terminal to ask on)\n',
    });
    expect(await refundsOf(order.id)).toEqual([]);
  });
});

describe('ordersctl refund against a server that answers before the refund is final', () => {
  let quick: TestServer;
  let quickAdmin: Session;
  beforeAll(async () => {
    quick = await startTestServer({ payments: { ...server.config.payments, payWaitMs: 0 } });
    quickAdmin = await openSession(quick, 'admin');
    sessions.push(quickAdmin);
    await stockProduct(quickAdmin, { sku: 'MUG', onHand: 10, priceCents: 1250 });
  });
  afterAll(async () => {
    await quick.close();
  });

  it('keeps polling the refunds until it is final and ends with it', async () => {
    const { order } = await paidOrder(1, freshApprovedCard(), quick);
    const result = await quickAdmin.run(['refund', order.id, '--reason', 'other']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('SUCCEEDED — $12.50 refunded\n');
    expect(result.stdout).toContain(`order      ${order.id} REFUNDED\n`);
  });
});
