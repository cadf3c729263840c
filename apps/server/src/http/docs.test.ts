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
    for (const path of ['/docs/index.html', '/docs/../package.json', '/docs/%2e%2e/package.json']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(404);
    }
  });
});
