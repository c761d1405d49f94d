import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sendText } from './responses';
import { DASHBOARD_PATH } from './routes';

/**
 * The dashboard's single-page app, as Vite builds it (`base: '/dashboard/'`) into one
 * directory: `index.html` and content-hashed files under `assets/`. No credential is needed
 * to load these files (the page signs in with an API key it holds, and asks `/graphql`);
 * the gateway's router keeps them subject to draining like any other route.
 */

const INDEX = 'index.html';
/** Vite's output for hashed files: a new build gives them new names, so they never change. */
const ASSETS = 'assets';

/**
 * On every dashboard answer, errors too. The policy allows the app's own scripts, styles
 * (inline too: chart libraries set style attributes), images and fonts, and connections
 * back to this gateway only ('self' covers its ws: and wss: too), so the page's own
 * requests cannot carry a key to another host; no form posts anywhere; nothing may frame it.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; connect-src 'self'; " +
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; " +
    "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT =
  'The dashboard is not built: run `npm run dashboard:build`, then reload this page.\n';

/**
 * Serves `/dashboard` and everything under it from `dir`. GET and HEAD only; `/dashboard`
 * redirects to `/dashboard/`; a path without a file extension is a client-side route and
 * gets `index.html`; a missing file is 404, or 503 while no bundle is built at all.
 */
export async function serveDashboard(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  dir: string,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'Only GET and HEAD are served here.\n');
  }
  if (url.pathname === DASHBOARD_PATH) return redirect(res, `${DASHBOARD_PATH}/${url.search}`);
  const root = resolve(dir);
  const file = fileFor(root, url.pathname.slice(DASHBOARD_PATH.length + 1));
  if (file === null) return sendText(res, 400, 'Bad path.\n');
  if (await sendFile(req, res, root, file)) return;
  if (!(await exists(resolve(root, INDEX)))) return sendText(res, 503, NOT_BUILT);
  return sendText(res, 404, 'Not found.\n');
}

/** A file in the bundle and how long browsers may keep it. */
interface BundleFile {
  path: string;
  cacheControl: string;
}

/** Revalidated on every load: `index.html` names the current build's hashed files. */
const fresh = { cacheControl: 'no-cache' };
/** Content-hashed by Vite: a name never gets other content, so browsers keep it a year. */
const immutable = { cacheControl: 'public, max-age=31536000, immutable' };

/**
 * The file a path under `/dashboard/` asks for; null when the path is unsafe. The router's
 * URL parsing has already resolved `..` and `%2e%2e` segments (anything above `/dashboard/`
 * never reaches here), so what is checked is each segment once decoded: an encoded slash,
 * backslash or NUL, a dot segment or hidden file, or an empty segment is refused. The
 * resolved path must still lie under the directory, whatever slipped past.
 */
function fileFor(root: string, rest: string): BundleFile | null {
  const segments = decodeSegments(rest.endsWith('/') ? rest.slice(0, -1) : rest);
  if (segments === null) return null;
  const last = segments.at(-1);
  // Client-side routes (`/dashboard/profiles/p_1`) have no extension: the app routes them.
  if (last === undefined || extname(last) === '') return { path: resolve(root, INDEX), ...fresh };
  const path = resolve(root, ...segments);
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const hashed = segments.length > 1 && segments[0] === ASSETS;
  return { path, ...(hashed ? immutable : fresh) };
}

function decodeSegments(rest: string): string[] | null {
  if (rest === '') return [];
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null; // malformed percent-encoding
    }
    if (segment === '' || segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/**
 * Streams the file with its type, length and caching; false when there is no such regular
 * file. Opened once and measured through the same handle, so what is sent is what was sized.
 */
async function sendFile(req: IncomingMessage, res: ServerResponse, root: string, file: BundleFile) {
  // A symbolic link in the bundle must not lead out of it: the real path is checked too.
  // The directory itself unreadable or looping is the operator's problem, not the
  // client's: that fails (and is logged); only its absence means "not built".
  const [real, realRoot] = await Promise.all([
    realpath(file.path).catch(nullWhenMissing),
    realpath(root).catch(nullWhenAbsent),
  ]);
  if (real === null || realRoot === null || !real.startsWith(realRoot + sep)) return false;
  const handle = await open(real, 'r').catch(nullWhenMissing);
  if (handle === null) return false;
  let streaming = false;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return false;
    res.statusCode = 200;
    res.setHeader('Content-Type', contentType(file.path));
    res.setHeader('Content-Length', stats.size);
    res.setHeader('Cache-Control', file.cacheControl);
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    streaming = true; // the stream closes the handle, when done or destroyed
    await streamTo(handle, res);
    return true;
  } finally {
    if (!streaming) await handle.close();
  }
}

/**
 * A client that goes away mid-file makes the pipeline fail after the headers were sent:
 * the response is already destroyed and nobody is left to answer, so that is not an error.
 */
async function streamTo(handle: FileHandle, res: ServerResponse): Promise<void> {
  await pipeline(handle.createReadStream(), res).catch(() => undefined);
}

const contentType = (path: string): string =>
  CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader('Location', location);
  res.setHeader('Content-Length', 0);
  res.end();
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Not there, a path through a file, a name too long, a link loop or an unreadable file:
 * what a client's path can cause is a 404, never a logged server error; anything else is one.
 */
const NOT_SERVABLE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'EACCES']);

function nullWhenAbsent(err: unknown): null {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw err;
}

function nullWhenMissing(err: unknown): null {
  if (NOT_SERVABLE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
  throw err;
}
