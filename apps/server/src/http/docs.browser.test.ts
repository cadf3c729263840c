import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, logInAdmin } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Debian's chromium (CI installs it); playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
// Skipped only on a developer machine without chromium; in CI a missing browser fails the test.
const skip = !existsSync(CHROMIUM) && process.env.CI === undefined;

let server: TestServer;
let profile: string | undefined;
let browser: BrowserContext | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const admin = await logInAdmin(server.url);
  await admin.inventory.upsert.mutate({
    sku: 'DOCS-1',
    name: 'Docs mug',
    priceCents: 900,
    onHand: 5,
  });
  // A fresh profile per run: nothing remembered between runs, no first-run state.
  profile = await mkdtemp(join(tmpdir(), 'orders-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** How many operations the served document has: Swagger UI must show each one. */
async function operationCount(): Promise<number> {
  const response = await fetch(`${server.url}/openapi.json`);
  const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
}

/** Expands an operation, presses "Try it out", types the body, presses "Execute". */
async function execute(
  operationId: string,
  body?: unknown,
): Promise<{ status: string; body: string }> {
  const operation = page.locator(`#${operationId}`);
  await operation.locator('.opblock-summary').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  if (body !== undefined) {
    await operation.locator('textarea.body-param__text').fill(JSON.stringify(body));
  }
  await operation.getByRole('button', { name: 'Execute' }).click();
  const response = operation.locator('.live-responses-table tbody .response').first();
  await response.waitFor();
  return {
    status: (await response.locator('.response-col_status').innerText()).trim(),
    body: await response.locator('.response-col_description pre').first().innerText(),
  };
}

describe.skipIf(skip)('Swagger UI at /docs, in headless Chromium', () => {
  it('lists the operations of the REST mirror', async () => {
    await page.goto(`${server.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(paths.map((path) => path.replace(/\u200b/g, '').trim())).toEqual(
      expect.arrayContaining([
        '/auth/signup',
        '/auth/login',
        '/api/orders',
        '/api/orders/{id}',
        '/api/payment-processor/pay',
        '/api/payment-processor/{orderId}',
        '/api/payment-processor/{orderId}/refunds',
        '/api/inventory',
        '/api/events',
      ]),
    );
    expect(await page.locator('.opblock').count()).toBe(await operationCount());
  });

  it('signs up, logs in, authorizes with the token and places an order through the UI', async () => {
    const credentials = { email: 'swagger@example.com', password: 'swagger-password-1' };
    const signup = await execute('operations-auth-auth-signup', credentials);
    expect(signup.status).toBe('200');
    expect(JSON.parse(signup.body)).toMatchObject({ email: credentials.email, role: 'CUSTOMER' });

    const login = await execute('operations-auth-auth-login', credentials);
    expect(login.status).toBe('200');
    const { accessToken } = JSON.parse(login.body) as { accessToken: string };

    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').fill(accessToken);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    const created = await execute('operations-orders-orders-create', {
      items: [{ sku: 'DOCS-1', quantity: 2 }],
    });
    expect(created.status).toBe('200');
    const order = JSON.parse(created.body) as { id: string };
    expect(order).toMatchObject({ status: 'PENDING', totalCents: 1800 });

    // The order is real: its owner sees it over tRPC, and its stock is reserved.
    const owner = createTestClient(server.url, accessToken);
    expect(await owner.orders.get.query({ id: order.id })).toMatchObject({ status: 'PENDING' });
    expect(await owner.products.get.query({ sku: 'DOCS-1' })).toMatchObject({ reserved: 2 });
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(skip)('Swagger UI at /swagger-ui/index.html, in headless Chromium', () => {
  it('loads every asset from /swagger-ui/ and calls the API from there', async () => {
    const springPage = await (browser as BrowserContext).newPage();
    const loaded: { url: string; status: number }[] = [];
    const failed: string[] = [];
    springPage.on('response', (response) => {
      loaded.push({ url: new URL(response.url()).pathname, status: response.status() });
    });
    springPage.on('requestfailed', (request) => failed.push(request.url()));
    springPage.on('pageerror', (error) => failed.push(error.message));
    await springPage.goto(`${server.url}/swagger-ui/index.html`);
    await springPage.locator('.opblock').first().waitFor();
    expect(await springPage.locator('.opblock').count()).toBe(await operationCount());

    const operation = springPage.locator('#operations-catalogue-products-list');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const response = operation.locator('.live-responses-table tbody .response').first();
    await response.waitFor();
    expect((await response.locator('.response-col_status').innerText()).trim()).toBe('200');
    expect(await response.locator('.response-col_description pre').first().innerText()).toContain(
      'DOCS-1',
    );

    expect(failed).toEqual([]);
    expect(loaded.filter(({ status }) => status >= 400)).toEqual([]);
    expect(loaded.map(({ url }) => url)).toEqual(
      expect.arrayContaining([
        '/swagger-ui/index.html',
        '/swagger-ui/swagger-ui.css',
        '/swagger-ui/swagger-ui-bundle.js',
        '/swagger-ui/init.js',
        '/openapi.json',
        '/api/products',
      ]),
    );
    expect(loaded.filter(({ url }) => url.startsWith('/docs'))).toEqual([]);
    await springPage.close();
  });
});
