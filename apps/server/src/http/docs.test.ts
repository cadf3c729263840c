import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('GET /docs', () => {
  it('serves a Swagger UI page over /openapi.json, its scripts local and no inline script', async () => {
    const response = await fetch(`${server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts).toEqual([' src="/docs/swagger-ui-bundle.js"', ' src="/docs/init.js"']);
    expect(html).not.toMatch(/https?:\/\//);
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toContain("url: '/openapi.json'");
  });

  it('serves the swagger-ui-dist assets from the package', async () => {
    for (const [asset, type] of [
      ['swagger-ui-bundle.js', 'text/javascript'],
      ['swagger-ui.css', 'text/css'],
    ] as const) {
      const response = await fetch(`${server.url}/docs/${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
  });

  it('answers 404 for any other file, including a path out of the package', async () => {
    for (const path of [
      '/docs/index.html',
      '/docs/../package.json',
      '/docs/%2e%2e/package.json',
      '/docs/constructor',
      '/docs/__proto__',
      '/swagger-ui/constructor',
      '/swagger-ui/package.json',
      '/swagger-ui-bundle.js',
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });
});

describe('GET /swagger-ui/index.html, where the Spring Boot seed served Swagger UI', () => {
  it('serves the same page, every script, style and icon it names loading from /swagger-ui/', async () => {
    const response = await fetch(`${server.url}/swagger-ui/index.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.sort()).toEqual([
      '/swagger-ui/favicon-32x32.png',
      '/swagger-ui/init.js',
      '/swagger-ui/swagger-ui-bundle.js',
      '/swagger-ui/swagger-ui.css',
    ]);
    for (const asset of assets) {
      const loaded = await fetch(new URL(asset, `${server.url}/swagger-ui/index.html`));
      expect(loaded.status, asset).toBe(200);
    }
    const docs = await (await fetch(`${server.url}/docs`)).text();
    expect(html).toBe(docs.replaceAll('/docs/', '/swagger-ui/'));
  });

  it("sends springdoc's other addresses of the page to it", async () => {
    for (const path of ['/swagger-ui.html', '/swagger-ui', '/swagger-ui/']) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(302);
      expect(response.headers.get('location'), path).toBe('/swagger-ui/index.html');
    }
  });
});
