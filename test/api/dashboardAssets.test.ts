import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { sampleValue, scrapeMetrics } from '../support/prometheus';

/**
 * The dashboard's built files at `/dashboard`, from MOSAIC_DASHBOARD_DIR (here a fake
 * bundle in a temporary directory): the app shell for client-side routes, hashed assets
 * cached for good, security headers on every answer, and nothing outside the directory,
 * however the path is spelled.
 */

const INDEX =
  '<!doctype html><title>Mosaic</title><script src="/dashboard/assets/app-abc123.js"></script>';
const SCRIPT = 'console.log("dashboard");';
// A file just outside the bundle, which traversal attempts aim at.
const SECRET = 'outside-the-bundle-secret';

let t: TestApp;
let root: string;
let dist: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mosaic-dashboard-'));
  dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'app-abc123.js'), SCRIPT);
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'package.json'), SECRET);
  // A link inside the bundle that leads out of it.
  symlinkSync(join(root, 'package.json'), join(dist, 'assets', 'leak.js'));
  t = await startTestApp('dashboard', { MOSAIC_DASHBOARD_DIR: dist });
}, 60_000);

afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

/** A request exactly as written: fetch (and URL) would resolve `..` before sending it. */
function raw(
  path: string,
  method = 'GET',
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const get = (path: string, init?: RequestInit) =>
  fetch(`${t.url}${path}`, { redirect: 'manual', ...init });

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('content-security-policy')).toBe(
    "default-src 'self'; script-src 'self'; connect-src 'self'; " +
      "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; " +
      "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
  );
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
}

test('/dashboard redirects to /dashboard/, keeping the query', async () => {
  const res = await get('/dashboard?tab=segments');
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/dashboard/?tab=segments');
  expectSecurityHeaders(res.headers);
});

test('the app shell answers /dashboard/ and every client-side route, never cached stale', async () => {
  for (const path of ['/dashboard/', '/dashboard/profiles', '/dashboard/segments/s_1/']) {
    const res = await get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(INDEX)));
    expectSecurityHeaders(res.headers);
    expect(await res.text()).toBe(INDEX);
  }
});

test('hashed assets are served with their type and cached for good; other files are revalidated', async () => {
  const res = await get('/dashboard/assets/app-abc123.js');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(SCRIPT)));
  expectSecurityHeaders(res.headers);
  expect(await res.text()).toBe(SCRIPT);

  const icon = await get('/dashboard/favicon.svg');
  expect(icon.status).toBe(200);
  expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  expect(icon.headers.get('cache-control')).toBe('no-cache');

  const head = await get('/dashboard/assets/app-abc123.js', { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(SCRIPT)));
  expect(await head.text()).toBe('');
});

test('a missing file with an extension is 404, not the app shell', async () => {
  for (const path of ['/dashboard/assets/missing-000000.js', '/dashboard/nothing.css']) {
    const res = await get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expectSecurityHeaders(res.headers);
    expect(await res.text()).not.toContain('<!doctype');
  }
});

test('no spelling of a path reads outside the directory', async () => {
  const attempts = [
    '/dashboard/../package.json',
    '/dashboard/%2e%2e/package.json',
    '/dashboard/%2E%2E/package.json',
    '/dashboard/assets/..%2f..%2fpackage.json',
    '/dashboard/assets/..%2F..%2F..%2Fpackage.json',
    '/dashboard/..%5c..%5cpackage.json',
    '/dashboard/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/dashboard/index.html%00.js',
    '/dashboard/%c0%ae%c0%ae/package.json',
    '/dashboard//etc/passwd',
  ];
  for (const path of attempts) {
    const res = await raw(path);
    expect({ path, refused: [400, 404].includes(res.status) }).toEqual({ path, refused: true });
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
  }
  // The encoded slashes never reach the file system: refused as a bad path.
  expect((await raw('/dashboard/assets/..%2f..%2fpackage.json')).status).toBe(400);
});

test('a link leading out of the bundle, and names the file system refuses, are 404s', async () => {
  const leak = await get('/dashboard/assets/leak.js');
  expect(leak.status).toBe(404);
  expect(await leak.text()).not.toContain(SECRET);
  const long = await get(`/dashboard/assets/${'a'.repeat(300)}.js`);
  expect(long.status).toBe(404);
});

test('only GET and HEAD', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const res = await get('/dashboard/', { method });
    expect({ method, status: res.status }).toEqual({ method, status: 405 });
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expectSecurityHeaders(res.headers);
  }
});

test('without a built bundle: 503 saying how to build it', async () => {
  const index = join(dist, 'index.html');
  renameSync(index, `${index}.away`);
  try {
    for (const path of ['/dashboard/', '/dashboard/profiles', '/dashboard/assets/gone-1.js']) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 503 });
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expectSecurityHeaders(res.headers);
      expect(await res.text()).toMatch(/not built.*npm run dashboard:build/);
    }
  } finally {
    renameSync(`${index}.away`, index);
  }
  expect((await get('/dashboard/')).status).toBe(200);
});

test('metrics label every dashboard path /dashboard', async () => {
  await get('/dashboard/profiles/p_1');
  await get('/dashboard/assets/app-abc123.js');
  const samples = await scrapeMetrics(`${t.url}/metrics`, 'unused');
  const routes = new Set(
    samples.filter((s) => s.name === 'mosaic_http_requests_total').map((s) => s.labels.route),
  );
  expect([...routes].filter((r) => r?.startsWith('/dashboard'))).toEqual(['/dashboard']);
  expect(
    sampleValue(samples, 'mosaic_http_requests_total', { route: '/dashboard', status: '200' }),
  ).toBeGreaterThanOrEqual(2);
});
