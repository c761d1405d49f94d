/**
 * `npm run eval:blocking -- FILE.csv`: how well blocking finds each record's duplicates,
 * with no store and in seconds (the full `eval:identity` takes minutes): the blocking keys
 * of every row (as `src/matching/blockingKeys.ts` makes them from the row's CRM contact),
 * then, against the truth in `rec_id`:
 *
 * - blocking recall: the share of true pairs that share at least one key (what
 *   `eval:identity`'s diagnostics report);
 * - the same as matching reads blocks, rows arriving in file order and each key's block
 *   read as its latest `MAX_BLOCK_READ` members (a pair is found when the later record
 *   finds the earlier one);
 * - reachable recall: the share of true pairs linked through a chain of found pairs of
 *   the same person, which is what matching can join (a record joins a cluster through
 *   any one of its members);
 * - candidates a record is compared with (distinct earlier records over its capped
 *   blocks): mean, p99 and max;
 * - per key kind: how many true pairs only it finds, and its largest block.
 *
 * The last line is JSON. Rows with fewer than `MIN_MATCH_FIELDS` values are not matched
 * at all, as in the matcher; their pairs count as missed.
 */
import { blockingKeys } from '../../src/matching/blockingKeys';
import { matchValuesFromTraits, presentFields } from '../../src/matching/matchFields';
import { MAX_BLOCK_READ } from '../../src/matching/matchIndex';
import { MIN_MATCH_FIELDS } from '../../src/matching/matcher';
import { contactOf, personOf, readRows } from './febrlCsv';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run eval:blocking -- FILE.csv');
  process.exit(2);
}

const rows = readRows(file);
/** Each row's blocking keys: the contact's traits as the CRM path stores them. */
const keysOf: string[][] = rows.map((row, i) => {
  const { attributes, ...contact } = contactOf(row, i);
  const values = matchValuesFromTraits({ ...(attributes ?? {}), ...contact });
  return presentFields(values) < MIN_MATCH_FIELDS ? [] : blockingKeys(values);
});
const kindOf = (key: string) => key.slice(0, key.indexOf(':'));
const person = rows.map((r) => personOf(r.recId));

// As matching reads: in arrival order, each key's block capped to its latest members.
const blocks = new Map<string, number[]>();
const found = new Set<string>(); // "a:b", a < b: the later found the earlier
const candidateCounts: number[] = [];
keysOf.forEach((keys, i) => {
  const candidates = new Set<number>();
  for (const key of keys) {
    const block = blocks.get(key) ?? [];
    for (const j of block.slice(-MAX_BLOCK_READ)) candidates.add(j);
    block.push(i);
    blocks.set(key, block);
  }
  candidateCounts.push(candidates.size);
  for (const j of candidates) if (person[j] === person[i]) found.add(`${j}:${i}`);
});

// Uncapped: true pairs sharing a key, and which kinds alone find them.
const byPerson = new Map<string, number[]>();
person.forEach((p, i) => byPerson.set(p, [...(byPerson.get(p) ?? []), i]));
let truePairs = 0;
let shared = 0;
const onlyBy = new Map<string, number>();
for (const members of byPerson.values()) {
  for (let a = 0; a < members.length; a++) {
    for (let b = a + 1; b < members.length; b++) {
      truePairs++;
      const x = new Set(keysOf[members[a]!]);
      const common = keysOf[members[b]!]!.filter((k) => x.has(k));
      if (common.length > 0) shared++;
      const kinds = new Set(common.map(kindOf));
      if (kinds.size === 1) {
        const [only] = kinds;
        onlyBy.set(only!, (onlyBy.get(only!) ?? 0) + 1);
      }
    }
  }
}

// Matching joins a record to a cluster through any one member, so two records of a person
// that share no key still end up together when a chain of found pairs links them.
const parent = rows.map((_, i) => i);
const rootOf = (i: number): number => (parent[i] === i ? i : (parent[i] = rootOf(parent[i]!)));
for (const pair of found) {
  const [a, b] = pair.split(':').map(Number) as [number, number];
  parent[rootOf(a)] = rootOf(b);
}
let reachable = 0;
for (const members of byPerson.values())
  for (let a = 0; a < members.length; a++)
    for (let b = a + 1; b < members.length; b++)
      if (rootOf(members[a]!) === rootOf(members[b]!)) reachable++;

const largest = new Map<string, number>();
for (const [key, members] of blocks)
  largest.set(kindOf(key), Math.max(largest.get(kindOf(key)) ?? 0, members.length));
const sorted = [...candidateCounts].sort((a, b) => a - b);
const round = (x: number) => Math.round(x * 10_000) / 10_000;
const result = {
  file,
  records: rows.length,
  truePairs,
  blockingRecall: round(truePairs === 0 ? 1 : shared / truePairs),
  cappedRecall: round(truePairs === 0 ? 1 : found.size / truePairs),
  reachableRecall: round(truePairs === 0 ? 1 : reachable / truePairs),
  candidatesMean: round(candidateCounts.reduce((s, n) => s + n, 0) / rows.length),
  candidatesP99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
  candidatesMax: sorted.at(-1) ?? 0,
};
console.log('key kind          pairs only it finds   largest block');
for (const kind of [...largest.keys()].sort())
  console.log(
    `${kind.padEnd(18)}${String(onlyBy.get(kind) ?? 0).padStart(20)}${String(largest.get(kind)).padStart(16)}`,
  );
console.log(JSON.stringify(result));
