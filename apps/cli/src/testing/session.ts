import { randomInt } from 'node:crypto';
import { TEST_ADMIN, type TestServer } from '@orders/server/testing';
import { expect } from 'vitest';
import { createApiClient, type ApiClient } from '../api-client.js';
import { passesLuhn } from '@orders/core';
import { loadCredentials } from '../credentials.js';
import { createSandbox, type CliResult, type RunOptions, type Sandbox } from './run-cli.js';

/** A CLI user against one test server: their own config dir, logged in (or not). */
export interface Session {
  readonly sandbox: Sandbox;
  /** `ordersctl --server <url> <argv>`. */
  run(argv: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** `ordersctl --server <url> --json <argv>`, expecting exit 0; the parsed stdout. */
  json<T = unknown>(argv: readonly string[]): Promise<T>;
  /** The typed API as this user, to compare the CLI with. */
  api(): Promise<ApiClient>;
  dispose(): Promise<void>;
}

let customers = 0;

/** A fresh customer's email: unique in the run, so per-user limits never meet. */
export function newEmail(label = 'customer'): string {
  customers += 1;
  return `${label}-${customers}-${randomInt(1e9)}@test.local`;
}

/**
 * A session as `who`: the server's admin, a new customer (signed up and logged in through the
 * CLI), or nobody.
 */
export async function openSession(
  server: TestServer,
  who: 'admin' | 'customer' | 'anonymous',
): Promise<Session> {
  const sandbox = await createSandbox();
  const run = (argv: readonly string[], options?: RunOptions) =>
    sandbox.run(['--server', server.url, ...argv], options);
  const session: Session = {
    sandbox,
    run,
    async json<T>(argv: readonly string[]) {
      const result = await run(['--json', ...argv]);
      expect(result, result.stderr).toMatchObject({ code: 0 });
      return JSON.parse(result.stdout) as T;
    },
    async api() {
      const token = (await loadCredentials(sandbox.credentialsFile))?.accessToken;
      return createApiClient({ server: server.url, token, userAgent: 'test' });
    },
    dispose: () => sandbox.dispose(),
  };
  if (who === 'anonymous') return session;
  const account =
    who === 'admin' ? TEST_ADMIN : { email: newEmail(), password: 'customer-password-1' };
  const stdin = `${account.password}\n`;
  if (who === 'customer') {
    const signup = await run(['signup', '--email', account.email, '--password-stdin'], { stdin });
    expect(signup.code, signup.stderr).toBe(0);
  }
  const login = await run(['login', '--email', account.email, '--password-stdin'], { stdin });
  expect(login.code, login.stderr).toBe(0);
  return session;
}

/** A product in stock, set through the CLI as the admin. */
export async function stockProduct(
  admin: Session,
  product: { sku: string; onHand: number; priceCents: number; name?: string },
): Promise<void> {
  const result = await admin.run([
    'inventory',
    'set',
    product.sku,
    '--on-hand',
    String(product.onHand),
    '--price',
    String(product.priceCents),
    '--name',
    product.name ?? `Product ${product.sku}`,
  ]);
  expect(result.code, result.stderr).toBe(0);
}

/**
 * A card the simulator approves that no other test uses: one card shared by more than three
 * users in a day trips the CARD_SHARED fraud rule.
 */
export function freshApprovedCard(): string {
  const body = `55${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e4)).padStart(4, '0')}`;
  return body + luhnCheckDigit(body);
}

/** The digit that makes `body` + digit pass the Luhn check. */
function luhnCheckDigit(body: string): string {
  const digit = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].find((d) =>
    passesLuhn(body + d),
  );
  return digit ?? '0';
}

/** The expiry and CVC every test card uses. */
export const CARD_FLAGS = ['--exp', '12/35', '--cvc', '123'] as const;
