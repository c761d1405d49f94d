import fc from 'fast-check';
import damerauLevenshtein from 'talisman/metrics/damerau-levenshtein';
import jaroWinkler from 'talisman/metrics/jaro-winkler';
import {
  editsLowerBound,
  editsUpTo,
  jaroWinklerFrom,
  jaroWinklerUpperBound,
} from '../../src/matching/stringBounds';

/**
 * The short cuts around the string metrics must never change an answer: each bound holds
 * against talisman's own metric on every pair, and the thresholded helpers agree with
 * the metric exactly. Pairs are drawn so that near misses are common (small alphabets,
 * one string a few edits from the other), as well as strangers and non-Latin text.
 */

const runs = { seed: 20261203, numRuns: 3000 };

/** Strings over an alphabet small enough that pairs share many characters. */
const text = fc.oneof(
  fc.stringMatching(/^[a-e]{0,12}$/),
  fc.stringMatching(/^[0-9]{0,10}$/),
  fc.stringMatching(/^[a-z ]{1,14}$/),
  // Code units 64 apart share a bucket: the bounds must survive the collisions.
  fc
    .array(fc.constantFrom('a', '!', 'é', 'ш', 'ł', 'ա', 'A', '0', 'p'), { maxLength: 10 })
    .map((cs) => cs.join('')),
);

/** `s` after a few random edits: substitutions, insertions, deletions, neighbour swaps. */
const edited = (s: string) =>
  fc
    .array(fc.tuple(fc.nat(3), fc.nat(20), fc.constantFrom('a', 'b', 'z', '1', ' ', 'ш')), {
      maxLength: 3,
    })
    .map((edits) => {
      let out = s;
      for (const [kind, at, ch] of edits) {
        const i = out.length === 0 ? 0 : at % out.length;
        if (kind === 0) out = out.slice(0, i) + ch + out.slice(i + 1);
        else if (kind === 1) out = out.slice(0, i) + ch + out.slice(i);
        else if (kind === 2) out = out.slice(0, i) + out.slice(i + 1);
        else if (i + 1 < out.length) out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
      }
      return out;
    });

const pair = fc.oneof(
  fc.tuple(text, text),
  text.chain((s) => fc.tuple(fc.constant(s), edited(s))),
);

test('the edit lower bound never exceeds the Damerau-Levenshtein distance', () => {
  fc.assert(
    fc.property(pair, ([x, y]) => {
      expect(editsLowerBound(x, y)).toBeLessThanOrEqual(damerauLevenshtein(x, y));
    }),
    runs,
  );
});

test('the Jaro-Winkler upper bound is never below the similarity', () => {
  fc.assert(
    fc.property(pair, ([x, y]) => {
      if (x === '' || y === '') return; // match values are never empty
      expect(jaroWinklerUpperBound(x, y)).toBeGreaterThanOrEqual(jaroWinkler(x, y) - 1e-12);
    }),
    runs,
  );
});

test('the thresholded helpers answer exactly as the metrics do', () => {
  fc.assert(
    fc.property(pair, fc.constantFrom(0.7, 0.8, 0.9, 0.92), fc.nat(3), ([x, y], floor, cap) => {
      if (x !== '' && y !== '') {
        const s = jaroWinkler(x, y);
        const found = jaroWinklerFrom(x, y, floor);
        if (found === null) expect(s).toBeLessThan(floor);
        else expect(found).toBe(s);
      }
      expect(editsUpTo(x, y, cap)).toBe(Math.min(damerauLevenshtein(x, y), cap));
    }),
    runs,
  );
});

test('the bounds do settle most strangers without the metric', () => {
  // What makes them worth having: unrelated names are ruled out by counts alone.
  const names = ['smith', 'zyskowski', 'nguyen', 'oconnor', 'brown', 'papadopoulos', 'lee'];
  let settled = 0;
  let pairs = 0;
  for (const x of names)
    for (const y of names)
      if (x !== y) {
        pairs++;
        if (jaroWinklerFrom(x, y, 0.8) === null) settled++;
      }
  expect(settled / pairs).toBeGreaterThan(0.5);
  expect(editsUpTo('4839201', '1175566', 3)).toBe(3);
  expect(editsLowerBound('4839201', '1175566')).toBeGreaterThanOrEqual(3);
});
