import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, stockProduct, type Session } from '../testing/session.js';

let server: TestServer;
let admin: Session;
let customer: Session;

beforeAll(async () => {
  server = await startTestServer();
  [admin, customer] = await Promise.all([
    openSession(server, 'admin'),
    openSession(server, 'customer'),
  ]);
});
afterAll(async () => {
  await Promise.all([admin.dispose(), customer.dispose()]);
  await server.close();
});

describe('ordersctl inventory set', () => {
  it('creates a product with its price and name and prints it as it now is', async () => {
    const result = await admin.run([
      'inventory',
      'set',
      'lamp-1',
      '--on-hand',
      '7',
      '--price',
      '4999',
      '--name',
      'Desk lamp',
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'sku        LAMP-1',
        'name       Desk lamp',
        'price      $49.99',
        'on hand    7',
        'reserved   0',
        'available  7',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('sets only the stock of an existing product, and prints with --json exactly the API product', async () => {
    await stockProduct(admin, { sku: 'CHAIR', onHand: 3, priceCents: 15000, name: 'Chair' });
    const product = await admin.json(['inventory', 'set', 'CHAIR', '--on-hand', '30']);
    expect(product).toEqual({
      sku: 'CHAIR',
      name: 'Chair',
      priceCents: 15000,
      currency: 'USD',
      onHand: 30,
      reserved: 0,
      available: 30,
    });
    expect(product).toEqual(await (await admin.api()).products.get.query({ sku: 'CHAIR' }));
  });

  it('exits 6 naming the flags needed when a new product has no price or name', async () => {
    const result = await admin.run(['inventory', 'set', 'NEW-THING', '--on-hand', '1']);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(
      'error: no product with SKU NEW-THING — an admin creates it with `ordersctl inventory set NEW-THING --on-hand N --price CENTS --name NAME`\n',
    );
  });

  it('exits 2 before any request for a stock that is not a whole number ≥ 0', async () => {
    for (const bad of ['-1', '2.5', 'many']) {
      const result = await admin.run(['inventory', 'set', 'CHAIR', '--on-hand', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: option '--on-hand <n>' argument '.+' is invalid\. expected a whole number from 0 to 1000000/,
      );
    }
    expect((await admin.run(['inventory', 'set', 'CHAIR'])).stderr).toContain(
      "required option '--on-hand <n>' not specified",
    );
  });

  it('exits 6 for a customer: it needs an admin', async () => {
    const result = await customer.run(['inventory', 'set', 'CHAIR', '--on-hand', '0']);
    expect(result).toEqual({
      code: 6,
      stdout: '',
      stderr: 'error: forbidden — this needs an admin account\n',
    });
  });
});

describe('ordersctl inventory adjust', () => {
  it('adds and, with a negative delta, removes stock', async () => {
    await stockProduct(admin, { sku: 'PEN', onHand: 10, priceCents: 199 });
    expect(
      await admin.json(['inventory', 'adjust', 'PEN', '--delta', '5', '--reason', 'delivery']),
    ).toMatchObject({ onHand: 15 });
    expect(await admin.json(['inventory', 'adjust', 'pen', '--delta', '-3'])).toMatchObject({
      onHand: 12,
      available: 12,
    });
  });

  it('exits 2 when it would take stock below what orders have reserved', async () => {
    await stockProduct(admin, { sku: 'INK', onHand: 4, priceCents: 500 });
    expect((await customer.run(['order', 'create', '--item', 'INK=3'])).code).toBe(0);
    const result = await admin.run(['inventory', 'adjust', 'INK', '--delta', '-2']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('error: Stock of INK cannot go to 2: 3 units are reserved.\n');
  });

  it('exits 2 for a delta of 0 and 6 for an unknown SKU', async () => {
    expect((await admin.run(['inventory', 'adjust', 'PEN', '--delta', '0'])).code).toBe(2);
    expect((await admin.run(['inventory', 'adjust', 'NOPE', '--delta', '1'])).code).toBe(6);
  });

  it('exits 3 when nobody is logged in', async () => {
    const anonymous = await openSession(server, 'anonymous');
    try {
      const result = await anonymous.run(['inventory', 'adjust', 'PEN', '--delta', '1']);
      expect(result).toEqual({
        code: 3,
        stdout: '',
        stderr: 'error: not logged in — run `ordersctl login`\n',
      });
    } finally {
      await anonymous.dispose();
    }
  });
});
