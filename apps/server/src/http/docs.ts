import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

/** The files of `swagger-ui-dist` the page needs, served from the package (no CDN). */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// The page's own script is a file, not inline, so the CSP can forbid inline scripts.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // No badge from the public validator: the page makes no request outside this server.
    validatorUrl: null,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>orders — API docs</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  // Swagger UI sets element styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Swagger UI at `/docs` over `/openapi.json`. Answers `/docs`, `/docs/` and the few assets by
 * name — never a path joined from the URL — and false for anything else under `/docs/`.
 */
export function createDocsHandler(): (path: string, res: ServerResponse) => boolean {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Promise<Buffer>>();
  const load = (name: string): Promise<Buffer> => {
    let file = cache.get(name);
    if (!file) {
      file = readFile(join(dist, name));
      cache.set(name, file);
    }
    return file;
  };

  return (path, res) => {
    if (path === '/docs' || path === '/docs/') {
      send(res, 200, 'text/html; charset=utf-8', PAGE, { 'content-security-policy': CSP });
      return true;
    }
    const name = path.slice('/docs/'.length);
    if (name === 'init.js') {
      send(res, 200, 'text/javascript; charset=utf-8', INIT_SCRIPT);
      return true;
    }
    const type = ASSETS[name];
    if (type === undefined) return false;
    load(name).then(
      (body) => {
        send(res, 200, type, body, { 'cache-control': 'public, max-age=3600' });
      },
      () => {
        cache.delete(name);
        send(res, 500, 'text/plain; charset=utf-8', 'asset unavailable');
      },
    );
    return true;
  };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
