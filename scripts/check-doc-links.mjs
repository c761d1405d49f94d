// Checks the relative links of README.md, CHANGELOG.md and docs/*.md: every Markdown link
// `[text](target)` that is not http(s) or mailto must name a file or folder that exists,
// relative to the file it is in; a `#anchor` on a Markdown file (or alone, for the same
// file) must be the GitHub-style slug of one of that file's headings. Prints
// `[docs] N links checked`, or lists each broken link and exits 1. No dependencies.
import console from 'node:console';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Markdown files checked: README.md, CHANGELOG.md and docs/*.md, where they exist. */
function markdownFiles() {
  const files = ['README.md', 'CHANGELOG.md'].map((f) => join(root, f)).filter(existsSync);
  const docs = join(root, 'docs');
  if (existsSync(docs) && statSync(docs).isDirectory()) {
    for (const name of readdirSync(docs).sort()) {
      if (name.endsWith('.md')) files.push(join(docs, name));
    }
  }
  return files;
}

/**
 * The file's lines with fenced code blocks blanked and inline code spans replaced by
 * placeholders of the same length, so that neither yields links or headings.
 */
function proseLines(text) {
  const lines = text.split(/\r?\n/);
  let fence = null;
  return lines.map((line) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (opener && opener[1][0] === fence[0] && opener[1].length >= fence.length) fence = null;
      return '';
    }
    if (opener) {
      fence = opener[1];
      return '';
    }
    return line.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (span) => 'x'.repeat(span.length));
  });
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .replace(/[`*]/g, '') // code and emphasis marks
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

const anchorCache = new Map();

/** Every anchor a Markdown file provides: its headings' slugs (numbered when repeated). */
function anchorsOf(file) {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const anchors = new Set();
  const seen = new Map();
  const add = (base) => {
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  };
  // Headings are read from the raw lines (code spans keep their text in a slug).
  const raw = readFileSync(file, 'utf8').split(/\r?\n/);
  const prose = proseLines(raw.join('\n'));
  prose.forEach((line, i) => {
    if (line === '' && raw[i] !== '') return; // inside a fenced block
    const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(raw[i]);
    if (atx) {
      add(slug(atx[1]));
      return;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
    const previous = i > 0 ? raw[i - 1].trim() : '';
    if (setext && previous !== '' && !/^([-*+]|\d+[.)])\s|^[#>|]/.test(previous)) {
      add(slug(previous));
    }
    for (const m of raw[i].matchAll(/<a\s[^>]*(?:name|id)="([^"]+)"/g)) anchors.add(m[1]);
  });
  anchorCache.set(file, anchors);
  return anchors;
}

/** Links `[text](target)` and images `![alt](target)` outside code, with their line. */
function linksOf(file) {
  const links = [];
  proseLines(readFileSync(file, 'utf8')).forEach((line, i) => {
    const pattern = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
    for (const m of line.matchAll(pattern)) {
      links.push({ line: i + 1, target: m[1].replace(/^<(.*)>$/, '$1') });
    }
  });
  return links;
}

const external = /^(?:https?:|mailto:)/i;
let checked = 0;
const broken = [];

for (const file of markdownFiles()) {
  const name = relative(root, file);
  for (const { line, target } of linksOf(file)) {
    if (external.test(target)) continue;
    checked += 1;
    const hash = target.indexOf('#');
    const pathPart = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? null : target.slice(hash + 1);
    let path;
    try {
      path = decodeURIComponent(pathPart);
    } catch {
      broken.push(`${name}:${line}: ${target} (not a valid URL path)`);
      continue;
    }
    const resolved = path === '' ? file : resolve(dirname(file), path);
    if (!existsSync(resolved)) {
      broken.push(`${name}:${line}: ${target} (no such file: ${relative(root, resolved)})`);
      continue;
    }
    if (anchor !== null && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      let wanted;
      try {
        wanted = decodeURIComponent(anchor);
      } catch {
        wanted = anchor;
      }
      if (!anchorsOf(resolved).has(wanted)) {
        broken.push(
          `${name}:${line}: ${target} (no heading in ${relative(root, resolved)} has the slug "${wanted}")`,
        );
      }
    }
  }
}

if (broken.length > 0) {
  console.error(`[docs] ${broken.length} broken link(s) of ${checked} checked:`);
  for (const b of broken) console.error(`  ${b}`);
  process.exit(1);
}
console.log(`[docs] ${checked} links checked`);
