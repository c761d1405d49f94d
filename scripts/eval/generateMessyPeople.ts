/**
 * `npm run eval:messy -- [--records 20000] [--seed 22] [--out FILE]`: writes the messy
 * evaluation set (see messyPeople.ts) as CSV, by default to
 * `.data/eval/messy-<records>.csv`, and prints its path. Regenerated, not committed: the
 * same seed and size give the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { messyPeople, toCsv } from './messyPeople';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function wholeNumber(name: string, fallback: number): number {
  const raw = flag(name, String(fallback));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name}: expected a whole number ≥ 1, got ${raw}`);
  return n;
}

const records = wholeNumber('records', 20_000);
const seed = wholeNumber('seed', 22);
const out = flag('out', join(__dirname, '..', '..', '.data', 'eval', `messy-${records}.csv`));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, toCsv(messyPeople({ records, seed })));
console.log(out);
