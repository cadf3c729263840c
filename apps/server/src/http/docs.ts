import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

/** The files of `swagger-ui-dist` the page needs, served from the package (no CDN). */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
]);

/**
 * Where the page is served: `/docs`, and `/swagger-ui/index.html`, where springdoc put it in the
 * Spring Boot seed (its users have it bookmarked). Each mount serves the page and its assets under
 * its own prefix, so every URL in the page resolves from where the page was loaded.
 */
const MOUNTS = [
  { prefix: '/docs', pages: ['/docs', '/docs/'] },
  { prefix: '/swagger-ui', pages: ['/swagger-ui/index.html'] },
] as const;

/** springdoc's other addresses of the page, sent to it. */
const REDIRECTS: ReadonlyMap<string, string> = new Map([
  ['/swagger-ui', '/swagger-ui/index.html'],
  ['/swagger-ui/', '/swagger-ui/index.html'],
  ['/swagger-ui.html', '/swagger-ui/index.html'],
]);

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

const pageAt = (prefix: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>orders — API docs</title>
  <link rel="stylesheet" href="${prefix}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${prefix}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${prefix}/swagger-ui-bundle.js"></script>
  <script src="${prefix}/init.js"></script>
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
 * Swagger UI over `/openapi.json`, at `/docs` and `/swagger-ui/index.html`. Answers the pages,
 * springdoc's redirects and the few assets by name — never a path joined from the URL — and
 * false for anything else.
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
  const pages = new Map<string, string>(
    MOUNTS.flatMap(({ prefix, pages }) => pages.map((page) => [page, pageAt(prefix)] as const)),
  );

  return (path, res) => {
    const page = pages.get(path);
    if (page !== undefined) {
      send(res, 200, 'text/html; charset=utf-8', page, { 'content-security-policy': CSP });
      return true;
    }
    const target = REDIRECTS.get(path);
    if (target !== undefined) {
      res.writeHead(302, { location: target, 'content-length': 0 });
      res.end();
      return true;
    }
    const mount = MOUNTS.find(({ prefix }) => path.startsWith(`${prefix}/`));
    if (mount === undefined) return false;
    const name = path.slice(mount.prefix.length + 1);
    if (name === 'init.js') {
      send(res, 200, 'text/javascript; charset=utf-8', INIT_SCRIPT);
      return true;
    }
    const type = ASSETS.get(name);
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
