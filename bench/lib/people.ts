/**
 * Synthetic people for the matching benchmark, from a seed: names drawn with a
 * skew (a few common surnames, a long tail), like real person data, so blocks and term
 * frequencies behave as they would; and duplicates with typing errors.
 */

import { seededRandom } from '../../scripts/demo/random';

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  const random = seededRandom(seed);
  return () => random.next();
}

const SYLLABLES = [
  'an',
  'bel',
  'cor',
  'dan',
  'el',
  'fin',
  'gar',
  'hol',
  'is',
  'jun',
  'kar',
  'lin',
  'mor',
  'nor',
  'ol',
  'per',
  'quin',
  'ros',
  'sel',
  'tor',
  'ul',
  'ver',
  'wil',
  'yan',
  'zor',
];

function names(count: number, rng: Rng, syllables: number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    let n = '';
    for (let i = 0; i < syllables + Math.floor(rng() * 2); i++)
      n += SYLLABLES[Math.floor(rng() * SYLLABLES.length)];
    out.add(n);
  }
  return [...out];
}

/**
 * A skewed index into a list, rank 0 the most common: P(rank < k) = √(k/n), so the top
 * name of 5,000 is held by 1.4% of people, about as common as the commonest surnames are.
 */
function skewed(n: number, rng: Rng): number {
  const r = rng();
  return Math.min(n - 1, Math.floor(n * r * r));
}

export interface Person {
  firstName: string;
  lastName: string;
  birthDate: string;
  nationalId: string;
  address: { line1: string; city: string; postalCode: string; region: string };
}

export class PeopleGenerator {
  private readonly given: string[];
  private readonly surnames: string[];
  private readonly streets: string[];
  private readonly cities: string[];
  /** National ids are unique, as real ones are: a permutation of the serial number. */
  private serial = 0;

  constructor(private readonly rng: Rng) {
    this.given = names(800, rng, 2);
    this.surnames = names(5000, rng, 3);
    this.streets = names(2000, rng, 2).map((s) => `${s} street`);
    this.cities = names(400, rng, 2);
  }

  person(): Person {
    const r = this.rng;
    const year = 1930 + Math.floor(r() * 80);
    const day = new Date(Date.UTC(year, 0, 1) + Math.floor(r() * 365) * 86_400_000);
    return {
      firstName: this.given[skewed(this.given.length, r)]!,
      lastName: this.surnames[skewed(this.surnames.length, r)]!,
      birthDate: day.toISOString().slice(0, 10),
      nationalId: String(1_000_000 + ((this.serial++ * 7_919) % 9_000_000)),
      address: {
        line1: `${1 + Math.floor(r() * 200)} ${this.streets[skewed(this.streets.length, r)]}`,
        city: this.cities[skewed(this.cities.length, r)]!,
        postalCode: String(1000 + Math.floor(r() * 8000)),
        region: ['nsw', 'vic', 'qld', 'wa', 'sa', 'tas'][Math.floor(r() * 6)]!,
      },
    };
  }

  /** The same person as typed by someone else: one or two fields with a typo, one maybe missing. */
  duplicate(p: Person): Person {
    const r = this.rng;
    const copy: Person = { ...p, address: { ...p.address } };
    const typo = (s: string) => {
      const i = Math.floor(r() * s.length);
      return s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2);
    };
    const edits = 1 + Math.floor(r() * 2);
    for (let k = 0; k < edits; k++) {
      switch (Math.floor(r() * 4)) {
        case 0:
          copy.firstName = typo(copy.firstName);
          break;
        case 1:
          copy.lastName = typo(copy.lastName);
          break;
        case 2:
          copy.address.line1 = typo(copy.address.line1);
          break;
        default:
          copy.nationalId = typo(copy.nationalId);
      }
    }
    if (r() < 0.3) copy.address.postalCode = '';
    return copy;
  }
}
