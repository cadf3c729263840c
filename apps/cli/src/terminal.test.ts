import { stat } from 'node:fs/promises';
import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Order, OrderPage } from './api-client.js';
import { buildCli } from './testing/build-cli.js';
import { createSandbox } from './testing/run-cli.js';
import {
  CARD_FLAGS,
  newEmail,
  openSession,
  stockProduct,
  type Session,
} from './testing/session.js';
import { hasTmux, openTerminal, type Terminal } from './testing/tmux.js';

// The interactive paths, driven for real: the built binary in a tmux pseudo-terminal, keys sent
// with send-keys, the screen read with capture-pane.
const tmux = hasTmux();
const title = tmux
  ? 'ordersctl on a real terminal (tmux)'
  : 'ordersctl on a real terminal — SKIPPED: tmux is not installed';

let server: TestServer;
let admin: Session;
let terminal: Terminal | undefined;

describe.skipIf(!tmux)(title, () => {
  beforeAll(async () => {
    await buildCli();
    server = await startTestServer();
    admin = await openSession(server, 'admin');
    await stockProduct(admin, { sku: 'MUG', onHand: 10, priceCents: 1250, name: 'Enamel mug' });
    await stockProduct(admin, { sku: 'TEE', onHand: 4, priceCents: 1999, name: 'T-shirt' });
  });
  afterAll(async () => {
    await admin.dispose();
    await server.close();
  });
  afterEach(async () => {
    await terminal?.close();
    terminal = undefined;
  });

  const open = async (configDir: string, argv: readonly string[]) => {
    const env = { HOME: configDir, XDG_CONFIG_HOME: configDir, NO_COLOR: '1' };
    terminal = await openTerminal(['--server', server.url, ...argv], env);
    return terminal;
  };

  it('signs up and logs in by prompts, the password never on the screen', async () => {
    const sandbox = await createSandbox();
    try {
      const email = newEmail('tty');
      const signup = await open(sandbox.configDir, ['signup']);
      await signup.waitFor('? Email');
      await signup.type(email);
      await signup.press('Enter');
      await signup.waitFor('? Name');
      await signup.type('Tia');
      await signup.press('Enter');
      await signup.waitFor('? Password');
      await signup.type('tty-secret-pw');
      await signup.press('Enter');
      await signup.waitFor('? Confirm password');
      await signup.type('tty-secret-pw');
      await signup.press('Enter');
      expect(await signup.exitCode()).toBe(0);
      expect(await signup.screen()).toContain(`Created account ${email} (CUSTOMER)`);
      await signup.close();

      const login = await open(sandbox.configDir, ['login']);
      await login.waitFor('? Email');
      await login.type(email);
      await login.press('Enter');
      await login.waitFor('? Password');
      await login.type('tty-secret-pw');
      await login.press('Enter');
      expect(await login.exitCode()).toBe(0);
      const screen = await login.screen();
      expect(screen).toContain(`Logged in as ${email} (CUSTOMER)`);
      expect(screen).not.toContain('tty-secret-pw');
      expect((await stat(sandbox.credentialsFile)).mode & 0o777).toBe(0o600);
    } finally {
      await sandbox.dispose();
    }
  });

  it('places an order by picking products and quantities, after confirming the total', async () => {
    const customer = await openSession(server, 'customer');
    try {
      const tty = await open(customer.sandbox.configDir, ['order', 'create']);
      await tty.waitFor('? Products to order');
      expect(await tty.screen()).toMatch(/MUG +Enamel mug +\$12\.50 +10 available/);
      await tty.press('Space', 'Down', 'Space', 'Enter'); // MUG and TEE
      await tty.waitFor('? Quantity of MUG (1–10)');
      await tty.press('BSpace');
      await tty.type('3');
      await tty.press('Enter');
      await tty.waitFor('? Quantity of TEE (1–4)');
      await tty.press('Enter'); // the default, 1
      const confirm = await tty.waitFor('? Place this order for $57.49?');
      expect(confirm).toMatch(/MUG +3 +\$12\.50 +\$37\.50/);
      expect(confirm).toMatch(/TEE +1 +\$19\.99 +\$19\.99/);
      await tty.type('y');
      await tty.press('Enter');
      expect(await tty.exitCode()).toBe(0);
      const { items } = await customer.json<OrderPage>(['order', 'list']);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ status: 'PENDING', totalCents: 5749 });
      expect(await tty.screen()).toContain(`Pay it with: ordersctl pay ${items[0]?.id ?? '?'}`);
    } finally {
      await customer.dispose();
    }
  });

  it('places nothing when the total is not confirmed', async () => {
    const customer = await openSession(server, 'customer');
    try {
      const tty = await open(customer.sandbox.configDir, ['order', 'create']);
      await tty.waitFor('? Products to order');
      await tty.press('Space', 'Enter');
      await tty.waitFor('? Quantity of MUG');
      await tty.press('Enter');
      await tty.waitFor('? Place this order for $12.50?');
      await tty.type('n');
      await tty.press('Enter');
      expect(await tty.exitCode()).toBe(0);
      expect(await tty.screen()).toContain('Nothing ordered.');
      expect((await customer.json<OrderPage>(['order', 'list'])).items).toEqual([]);
    } finally {
      await customer.dispose();
    }
  });

  it('pays after showing the amount and asking for the card, the CVC masked', async () => {
    const customer = await openSession(server, 'customer');
    try {
      const order = await customer.json<Order>(['order', 'create', '--item', 'MUG=2']);
      const tty = await open(customer.sandbox.configDir, ['pay', order.id]);
      const asked = await tty.waitFor('? Card number');
      expect(asked).toContain(`Paying $25.00 for order ${order.id} (2 items, PENDING)`);
      await tty.type('4000 0000 0000 0341');
      await tty.press('Enter');
      await tty.waitFor('? Expiry (MM/YY)');
      await tty.type('12/35');
      await tty.press('Enter');
      await tty.waitFor('? CVC');
      await tty.type('987');
      const typing = await tty.waitFor('? CVC ***');
      expect(cvcLines(typing)).toEqual(['? CVC ***']);
      await tty.press('Enter');
      expect(await tty.exitCode()).toBe(0);
      const screen = await tty.screen();
      expect(cvcLines(screen)).toEqual(['✔ CVC ***']);
      expect(screen).toMatch(/attempt 1: ERROR gateway_timeout/);
      expect(screen).toMatch(/attempt 3: APPROVED/);
      expect(screen).toContain('SUCCESS — order CONFIRMED');
      expect(screen).toMatch(/^status +SUCCESS$/m);
    } finally {
      await customer.dispose();
    }
  });

  it('refunds after showing what is left and asking for the reason, the amount defaulting to all of it', async () => {
    const customer = await openSession(server, 'customer');
    try {
      const order = await customer.json<Order>(['order', 'create', '--item', 'MUG=2']);
      const paid = await customer.run([
        'pay',
        order.id,
        '--card',
        '4242424242424242',
        ...CARD_FLAGS,
      ]);
      expect(paid.code, paid.stderr).toBe(0);
      const tty = await open(admin.sandbox.configDir, ['refund', order.id, '--restock', 'MUG=1']);
      const asked = await tty.waitFor('? Reason');
      expect(asked).toContain(
        `Refunding order ${order.id}: paid $25.00 on visa •••• 4242, $25.00 left to refund (CONFIRMED)`,
      );
      expect(asked).toMatch(/❯ requested_by_customer +the customer asked for it/);
      await tty.press('Down', 'Enter'); // duplicate
      await tty.waitFor('? Amount in cents, up to 2500 ($25.00, all that is left) (2500)');
      await tty.press('Enter'); // the default: all of it
      expect(await tty.exitCode()).toBe(0);
      const screen = await tty.screen();
      expect(screen).toContain('✔ Reason duplicate');
      expect(screen).toMatch(/attempt 1: APPROVED/);
      expect(screen).toContain('SUCCEEDED — $25.00 refunded, 1 × MUG restocked');
      expect(screen).toContain(`order      ${order.id} REFUNDED`);
    } finally {
      await customer.dispose();
    }
  });
});

/** The lines that mention the CVC: they must show the mask, never a digit. */
function cvcLines(screen: string): string[] {
  return screen
    .split('\n')
    .filter((line) => line.includes('CVC'))
    .map((line) => line.trim());
}
