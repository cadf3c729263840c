import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerReport, Order, OrderLedger } from '../api-client.js';
import { CARD_FLAGS, openSession, stockProduct, type Session } from '../testing/session.js';

let server: TestServer;
let admin: Session;
let ann: Session;
let paid: Order;

beforeAll(async () => {
  server = await startTestServer();
  [admin, ann] = await Promise.all([openSession(server, 'admin'), openSession(server, 'customer')]);
  await stockProduct(admin, { sku: 'MUG', onHand: 20, priceCents: 1250, name: 'Enamel mug' });
  paid = await ann.json<Order>(['order', 'create', '--item', 'MUG=2']);
  const payment = await ann.run(['pay', paid.id, '--card', '4000000000000341', ...CARD_FLAGS]);
  expect(payment.code, payment.stderr).toBe(0);
});
afterAll(async () => {
  await Promise.all([admin.dispose(), ann.dispose()]);
  await server.close();
});

describe('ordersctl ledger <orderId>', () => {
  it('shows the attempts as a table and the capture as balanced debits and credits', async () => {
    const result = await ann.run(['ledger', paid.id]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`order    ${paid.id} CONFIRMED`);
    expect(lines).toContain('fraud    ALLOW (score 0)');
    const attempts = lines.slice(lines.indexOf('Attempts') + 1, lines.indexOf('Attempts') + 5);
    expect(attempts[0]).toBe('  #  OUTCOME   CODE             LATENCY  AT');
    expect(attempts.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}1 {2}ERROR {5}gateway_timeout +\d+ ms {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
      ),
      expect.stringMatching(/^ {2}2 {2}ERROR {5}gateway_timeout +\d+ ms /),
      expect.stringMatching(/^ {2}3 {2}APPROVED {2}— +\d+ ms /),
    ]);
    const journal = lines.slice(lines.indexOf('Journal') + 1);
    expect(journal[0]).toMatch(/^ {2}CAPTURE capture:\S+ {2}\d{4}-/);
    expect(journal[1]).toMatch(/^ {4}hash [0-9a-f]{64}$/);
    expect(journal.slice(2)).toEqual([
      '    ACCOUNT                   DEBIT  CREDIT',
      '    assets:gateway_clearing  $25.00',
      '    revenue:sales                    $25.00',
      '    debits $25.00, credits $25.00: balanced',
    ]);
  });

  it('prints with --json exactly ledger.forOrder, also to an admin', async () => {
    const ledger = await ann.json<OrderLedger>(['ledger', paid.id]);
    expect(ledger).toEqual(await (await ann.api()).ledger.forOrder.query({ orderId: paid.id }));
    expect(ledger.entries[0]?.postings).toEqual([
      { account: 'assets:gateway_clearing', amountCents: 2500 },
      { account: 'revenue:sales', amountCents: -2500 },
    ]);
    expect(await admin.json(['ledger', paid.id])).toEqual(ledger);
  });

  it('says there is nothing yet for an unpaid order, and how to pay it', async () => {
    const order = await ann.json<Order>(['order', 'create', '--item', 'MUG=1']);
    expect(await ann.run(['ledger', order.id])).toEqual({
      code: 0,
      stdout: `Order ${order.id} has no payment yet: nothing in its ledger.\nPay it with: ordersctl pay ${order.id}\n`,
      stderr: '',
    });
  });

  it("exits 6 for another customer's order", async () => {
    const bob = await openSession(server, 'customer');
    try {
      expect(await bob.run(['ledger', paid.id])).toMatchObject({ code: 6, stdout: '' });
    } finally {
      await bob.dispose();
    }
  });
});

describe('ordersctl ledger verify', () => {
  it('says OK and ticks every invariant on a clean ledger', async () => {
    const result = await admin.run(['ledger', 'verify']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'Ledger OK — 1 entry, 1 payment, 1 chain checked',
        '  ✓ every journal entry balances and carries its own reference',
        '  ✓ all postings together sum to zero',
        '  ✓ every successful payment has exactly one capture of its amount, and nothing else has one',
        '  ✓ refunds never exceed the capture, every successful refund has exactly one entry of its amount, and nothing restocks more than was bought',
        "  ✓ every hash chain links, recomputes and ends at its payment's head",
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('prints with --json exactly ledger.verify', async () => {
    const report = await admin.json<LedgerReport>(['ledger', 'verify']);
    expect(report).toEqual({
      ok: true,
      checked: { entries: 1, payments: 1, chains: 1 },
      problems: [],
    });
  });

  it('exits 6 for a customer: verify is for admins', async () => {
    expect(await ann.run(['ledger', 'verify'])).toEqual({
      code: 6,
      stdout: '',
      stderr: 'error: forbidden — this needs an admin account\n',
    });
  });
});
