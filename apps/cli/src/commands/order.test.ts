import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, OrderPage, Product } from '../api-client.js';
import { neverEndingStdin } from '../testing/run-cli.js';
import { openSession, stockProduct, type Session } from '../testing/session.js';

let server: TestServer;
let admin: Session;
let ann: Session;

beforeAll(async () => {
  server = await startTestServer();
  [admin, ann] = await Promise.all([openSession(server, 'admin'), openSession(server, 'customer')]);
  await stockProduct(admin, { sku: 'MUG', onHand: 50, priceCents: 1250, name: 'Enamel mug' });
  await stockProduct(admin, { sku: 'TEE', onHand: 5, priceCents: 1999, name: 'T-shirt' });
});
afterAll(async () => {
  await Promise.all([admin.dispose(), ann.dispose()]);
  await server.close();
});

const available = async (sku: string) =>
  (await ann.json<Product[]>(['products'])).find((p) => p.sku === sku)?.available;

describe('ordersctl order create', () => {
  it('prints the PENDING order with its priced lines, the total and how to pay it', async () => {
    const result = await ann.run(['order', 'create', '--item', 'MUG=2', '--item', 'TEE=1']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    const id = /^order {4}(\S+)$/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[1]).toBe('status   PENDING');
    expect(lines.slice(5)).toEqual([
      '  SKU  NAME        QTY    UNIT   TOTAL',
      '  MUG  Enamel mug    2  $12.50  $25.00',
      '  TEE  T-shirt       1  $19.99  $19.99',
      '                          Total $44.99',
      '',
      `Pay it with: ordersctl pay ${id}`,
    ]);
  });

  it('adds up a SKU given twice into one line, as the server wants', async () => {
    const order = await ann.json<Order>(['order', 'create', '--item', 'mug=1', '--item', 'MUG=2']);
    expect(order.lines).toEqual([
      { sku: 'MUG', name: 'Enamel mug', quantity: 3, unitPriceCents: 1250, lineTotalCents: 3750 },
    ]);
  });

  it('prints with --json exactly the order the API then returns', async () => {
    const order = await ann.json<Order>(['order', 'create', '--item', 'MUG=1']);
    expect(order).toEqual(await (await ann.api()).orders.get.query({ id: order.id }));
    expect(order).toMatchObject({ status: 'PENDING', totalCents: 1250, currency: 'USD' });
  });

  it('exits 2 naming the SKU when there is not enough stock, and reserves nothing', async () => {
    const before = await available('TEE');
    const result = await ann.run(['order', 'create', '--item', 'MUG=1', '--item', 'TEE=99']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: not enough stock of TEE: asked for 99, ${before} available — see \`ordersctl products\`\n`,
    );
    expect(await available('TEE')).toBe(before);
  });

  it('exits 2 at once, naming --item, with no items and no terminal', async () => {
    const result = await ann.run(['order', 'create'], { stdin: neverEndingStdin() });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: missing items — pass --item SKU=QTY (no terminal to ask on)\n',
    });
  });

  it('exits 2 for an item that is not SKU=QTY', async () => {
    const result = await ann.run(['order', 'create', '--item', 'MUG']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected SKU=QTY');
  });
});

describe('ordersctl order list, show and cancel', () => {
  it('lists only your own orders, newest first, filtered by status', async () => {
    const bob = await openSession(server, 'customer');
    try {
      const first = await bob.json<Order>(['order', 'create', '--item', 'MUG=1']);
      const second = await bob.json<Order>(['order', 'create', '--item', 'MUG=2']);
      await bob.run(['order', 'cancel', first.id]);
      const page = await bob.json<OrderPage>(['order', 'list']);
      expect(page).toEqual({
        items: [second, { ...first, status: 'CANCELLED' }],
        nextCursor: null,
      });
      const pending = await bob.json<OrderPage>(['order', 'list', '--status', 'pending']);
      expect(pending.items.map((o) => o.id)).toEqual([second.id]);
      const table = await bob.run(['order', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID {36}STATUS {6}TOTAL {2}ITEMS {2}CREATED$/);
      expect(table.stdout).toContain(`${second.id}  PENDING    $25.00      2  `);
    } finally {
      await bob.dispose();
    }
  });

  it('pages with --limit and says how to get the next page', async () => {
    const result = await ann.run(['order', 'list', '--limit', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nMore: ordersctl order list --limit 1 --cursor \S+\n$/);
  });

  it('keeps the status and the page size in the next-page hint, so following it lists only that status', async () => {
    const carol = await openSession(server, 'customer');
    try {
      // Newest first: CANCELLED, CANCELLED, PENDING, CANCELLED, PENDING — the page after the
      // first two cancelled orders holds both statuses unless the hint keeps the filter.
      for (const cancel of [false, true, false, true, true]) {
        const order = await carol.json<Order>(['order', 'create', '--item', 'MUG=1']);
        if (cancel) await carol.run(['order', 'cancel', order.id]);
      }
      const first = await carol.run(['order', 'list', '--status', 'cancelled', '--limit', '2']);
      const hint = /^More: ordersctl (.+)$/m.exec(first.stdout)?.[1];
      expect(hint).toMatch(/^order list --status CANCELLED --limit 2 --cursor [\w-]+$/);
      const next = await carol.run(hint?.split(' ') ?? []);
      expect(next.code, next.stderr).toBe(0);
      const rows = next.stdout.split('\n').filter((line) => /^[0-9a-f]{8}-/.test(line));
      expect(rows).toEqual([expect.stringMatching(/^\S+ {2}CANCELLED /)]);
      expect(next.stdout).not.toContain('More:');
    } finally {
      await carol.dispose();
    }
  });

  it('says there are no orders of the status asked for, and no orders yet only when there are none', async () => {
    const dave = await openSession(server, 'customer');
    try {
      const none = await dave.run(['order', 'list']);
      expect(none).toMatchObject({
        code: 0,
        stdout: 'No orders yet (`ordersctl order create` places one).\n',
      });
      await dave.json<Order>(['order', 'create', '--item', 'MUG=1']);
      const noneConfirmed = await dave.run(['order', 'list', '--status', 'confirmed']);
      expect(noneConfirmed).toMatchObject({ code: 0, stdout: 'No CONFIRMED orders.\n' });
    } finally {
      await dave.dispose();
    }
  });

  it('exits 2 for an unknown status, listing the real ones', async () => {
    const result = await ann.run(['order', 'list', '--status', 'paid']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'expected one of PENDING, CONFIRMED, FAILED, CANCELLED, PARTIALLY_REFUNDED, REFUNDED',
    );
  });

  it("shows an order, and exits 6 for someone else's order exactly as for a missing one", async () => {
    const order = await ann.json<Order>(['order', 'create', '--item', 'TEE=1']);
    const shown = await ann.run(['order', 'show', order.id]);
    expect(shown.stdout).toContain(`order    ${order.id}\nstatus   PENDING\n`);
    expect(await ann.json(['order', 'show', order.id])).toEqual(order);
    const other = await admin.run(['order', 'show', order.id]);
    const missing = await admin.run(['order', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(other).toMatchObject({ code: 6, stdout: '' });
    expect(missing.code).toBe(6);
    expect(other.stderr).toBe(`error: Order ${order.id} was not found.\n`);
    expect((await ann.run(['order', 'show', 'not-an-id'])).code).toBe(2);
  });

  it('cancels a PENDING order, releasing its stock; a second cancel exits 2', async () => {
    const before = await available('TEE');
    const order = await ann.json<Order>(['order', 'create', '--item', 'TEE=2']);
    expect(await available('TEE')).toBe((before ?? 0) - 2);
    const result = await ann.run(['order', 'cancel', order.id]);
    expect(result).toEqual({
      code: 0,
      stdout: `Cancelled order ${order.id}; its stock is released.\n`,
      stderr: '',
    });
    expect(await available('TEE')).toBe(before);
    const again = await ann.run(['order', 'cancel', order.id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('CANCELLED');
  });
});
