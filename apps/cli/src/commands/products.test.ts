import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, stockProduct, type Session } from '../testing/session.js';

let server: TestServer;
let anonymous: Session;
let admin: Session;

beforeAll(async () => {
  server = await startTestServer();
  anonymous = await openSession(server, 'anonymous');
  admin = await openSession(server, 'admin');
});
afterAll(async () => {
  await Promise.all([anonymous.dispose(), admin.dispose()]);
  await server.close();
});

describe('ordersctl products', () => {
  it('says how products are added when the catalogue is empty', async () => {
    expect(await anonymous.run(['products'])).toEqual({
      code: 0,
      stdout: 'No products yet (an admin adds them: `ordersctl inventory set`).\n',
      stderr: '',
    });
  });

  it('lists the catalogue without a login, as a table with money formatted from cents', async () => {
    await stockProduct(admin, { sku: 'MUG', onHand: 12, priceCents: 1250, name: 'Enamel mug' });
    await stockProduct(admin, { sku: 'KEYBOARD-01', onHand: 0, priceCents: 123456, name: 'Keys' });
    const result = await anonymous.run(['products', '--no-color']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')).toEqual([
      'SKU          NAME            PRICE  AVAILABLE  ON HAND  RESERVED',
      'KEYBOARD-01  Keys        $1,234.56          0        0         0',
      'MUG          Enamel mug     $12.50         12       12         0',
      '',
    ]);
  });

  it('prints with --json exactly what products.list returns', async () => {
    const listed = await anonymous.json(['products']);
    const api = await anonymous.api();
    expect(listed).toEqual(await api.products.list.query());
    expect(Object.keys((listed as object[])[0] ?? {}).sort()).toEqual(
      ['available', 'currency', 'name', 'onHand', 'priceCents', 'reserved', 'sku'].sort(),
    );
  });
});
