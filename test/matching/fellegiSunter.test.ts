import fc from 'fast-check';
import { blockingKeys } from '../../src/matching/blockingKeys';
import { COMPARISONS, compareValues } from '../../src/matching/comparisons';
import { knownMatch } from '../../src/matching/trainer';
import {
  MATCH_FIELDS,
  matchValuesFromTraits,
  type MatchValues,
} from '../../src/matching/matchFields';
import {
  defaultModel,
  fittedToComparisons,
  RecordScorer,
  scorePair,
  scoreTotal,
  type MatchModel,
} from '../../src/matching/matchModel';

/**
 * The scoring model, property by property: comparisons are symmetric, agreement scores
 * above disagreement, blocking survives typos (training is in training.test.ts).
 */

const SEED = 20261122;
const runs = { seed: SEED, numRuns: 300 };

const word = fc.stringMatching(/^[a-z]{2,10}$/);
const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
const date = fc
  .date({ min: new Date('1920-01-01'), max: new Date('2020-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));

/** A complete record: every match field present. */
const fullRecord: fc.Arbitrary<MatchValues> = fc.record({
  givenName: word,
  surname: word,
  birthDate: date,
  nationalId: digits(7),
  streetNumber: digits(2),
  street: word.map((w) => `${w} street`),
  locality: word,
  city: word,
  postcode: digits(4),
  region: fc.constantFrom('nsw', 'vic', 'qld', 'wa'),
  email: fc.tuple(word, word).map(([a, b]) => `${a}@${b}.com`),
  phone: digits(10),
});

/** Any record: each field present or not. */
const anyRecord: fc.Arbitrary<MatchValues> = fullRecord.chain((full) =>
  fc.subarray([...MATCH_FIELDS]).map((keep) => {
    const out: MatchValues = {};
    for (const f of keep) out[f] = full[f];
    return out;
  }),
);

/** A typing error in one value: a changed, dropped, inserted or swapped character. */
function typo(value: string, at: number, kind: number): string {
  const i = at % value.length;
  const c = value[i]!;
  const other = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'z' ? 'a' : 'z';
  switch (kind % 4) {
    case 0:
      return value.slice(0, i) + other + value.slice(i + 1);
    case 1:
      return value.length > 2 ? value.slice(0, i) + value.slice(i + 1) : value + other;
    case 2:
      return value.slice(0, i) + other + value.slice(i);
    default:
      return i + 1 < value.length
        ? value.slice(0, i) + value[i + 1] + c + value.slice(i + 2)
        : other + value.slice(1);
  }
}

const noTf = () => undefined;

test('comparisons and scores are symmetric', () => {
  fc.assert(
    fc.property(anyRecord, anyRecord, (a, b) => {
      expect(compareValues(a, b)).toEqual(compareValues(b, a));
      const model = defaultModel();
      expect(scorePair(model, a, b, noTf).total).toBeCloseTo(scorePair(model, b, a, noTf).total, 9);
    }),
    runs,
  );
});

test('the ranking total equals the explained score exactly, term frequencies included', () => {
  fc.assert(
    fc.property(
      anyRecord,
      anyRecord,
      fc.double({ min: 0, max: 1, noNaN: true }),
      (a, b, frequency) => {
        const model = defaultModel();
        // Every value counts as `frequency` common: exact agreements on counted fields use it.
        const tf = () => frequency;
        expect(scoreTotal(model, a, b, tf)).toBe(scorePair(model, a, b, tf).total);
        expect(scoreTotal(model, a, { ...a }, tf)).toBe(scorePair(model, a, a, tf).total);
      },
    ),
    runs,
  );
});

test('the early-exit total drops only pairs below the cutoff, and is exact for every other', () => {
  // Any model (m and u drawn at random per level), strangers and typed copies alike.
  const levelParameters = fc.record({
    m: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    u: fc.double({ min: 1e-4, max: 1, noNaN: true }),
  });
  const model: fc.Arbitrary<MatchModel> = fc
    .tuple(
      fc.tuple(
        ...COMPARISONS.map((c) =>
          fc.array(levelParameters, { minLength: c.levels.length, maxLength: c.levels.length }),
        ),
      ),
      fc.double({ min: 1e-4, max: 0.9, noNaN: true }),
    )
    .map(([levels, prior]) => ({
      ...defaultModel(),
      prior,
      levels: Object.fromEntries(
        COMPARISONS.map((c, i) => [c.field, levels[i]!]),
      ) as MatchModel['levels'],
    }));
  const pair = fc.oneof(
    fc.tuple(anyRecord, anyRecord),
    fc
      .tuple(anyRecord, fc.subarray([...MATCH_FIELDS]), fc.nat(), fc.nat())
      .map(([a, fields, at, kind]): [MatchValues, MatchValues] => {
        const copy = { ...a };
        for (const f of fields) if (a[f] !== undefined) copy[f] = typo(a[f], at, kind);
        return [a, copy];
      }),
    // A name entered in the other field, the first one left blank: agreement without equality.
    fullRecord.map((a): [MatchValues, MatchValues] => {
      const { givenName, ...rest } = a;
      return [a, { ...rest, surname: givenName }];
    }),
  );
  fc.assert(
    fc.property(
      model,
      pair,
      fc.double({ min: -60, max: 60, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (m, [a, b], cutoff, frequency) => {
        const tf = () => frequency;
        const scorer = new RecordScorer(m, a, tf);
        const exact = scoreTotal(m, a, b, tf);
        expect(scorer.totalIfAtLeast(b, -Infinity)).toBe(exact);
        const early = scorer.totalIfAtLeast(b, cutoff);
        if (early === null) expect(exact).toBeLessThan(cutoff);
        else expect(early).toBe(exact);
        if (exact >= cutoff) expect(early).toBe(exact);
        // At its own total as the cutoff, a pair is always kept.
        expect(scorer.totalIfAtLeast(b, exact)).toBe(exact);
      },
    ),
    { ...runs, numRuns: 2000 },
  );
});

test('one record scorer, reused across a block of candidates, scores each as if alone', () => {
  // Frequencies that differ by field and value: the scorer works them out once, from the
  // record's own values, and state left by one candidate must not reach the next.
  const tf = (field: string, value: string) => ((field.length * 31 + value.length * 7) % 97) / 970;
  const model = defaultModel();
  fc.assert(
    fc.property(
      anyRecord,
      fc.array(anyRecord, { minLength: 1, maxLength: 20 }),
      fc.double({ min: -40, max: 40, noNaN: true }),
      (a, block, cutoff) => {
        const scorer = new RecordScorer(model, a, tf);
        for (const b of [...block, { ...a }, ...block]) {
          const exact = scoreTotal(model, a, b, tf);
          expect(scorer.totalIfAtLeast(b, -Infinity)).toBe(exact);
          const early = scorer.totalIfAtLeast(b, cutoff);
          // Within a rounding hair below the cutoff, either answer is right.
          if (exact >= cutoff) expect(early).toBe(exact);
          else if (exact < cutoff - 1e-6) expect(early).toBeNull();
          else expect([null, exact]).toContain(early);
        }
      },
    ),
    runs,
  );
});

test('a record agrees with itself at the top level of every field it has, and nowhere else', () => {
  fc.assert(
    fc.property(anyRecord, (a) => {
      const vector = compareValues(a, a);
      COMPARISONS.forEach((c, i) => expect(vector[i]).toBe(a[c.field] === undefined ? null : 0));
    }),
    runs,
  );
});

test('an exact agreement is the strongest evidence a field gives, and a missing value gives none', () => {
  const model = defaultModel();
  for (const c of COMPARISONS) {
    const weights = model.levels[c.field].map((p) => Math.log2(p.m / p.u));
    expect(Math.max(...weights)).toBe(weights[0]);
    expect(weights.at(-1)!).toBeLessThan(0);
  }
  fc.assert(
    fc.property(fullRecord, fc.constantFrom(...MATCH_FIELDS), (a, field) => {
      const without = { ...a };
      delete without[field];
      const score = scorePair(model, a, without, noTf);
      const part = score.fields.find((f) => f.field === field)!;
      expect(part).toMatchObject({ level: null, weight: 0 });
    }),
    runs,
  );
});

test('a typo anywhere scores below the exact copy and above a stranger', () => {
  const model = defaultModel();
  fc.assert(
    fc.property(
      fullRecord,
      fullRecord,
      fc.constantFrom(...MATCH_FIELDS),
      fc.nat(),
      fc.nat(),
      (a, stranger, field, at, kind) => {
        const copy = { ...a, [field]: typo(a[field]!, at, kind) };
        const exact = scorePair(model, a, a, noTf).total;
        const typed = scorePair(model, a, copy, noTf).total;
        expect(typed).toBeLessThanOrEqual(exact);
        // A stranger sharing nothing by construction.
        const other = Object.fromEntries(
          MATCH_FIELDS.map((f) => [f, a[f] === stranger[f] ? `${stranger[f]}x` : stranger[f]]),
        ) as MatchValues;
        expect(scorePair(model, a, other, noTf).total).toBeLessThan(typed);
      },
    ),
    runs,
  );
});

test('blocking: a copy with typos in any two fields still shares a blocking key', () => {
  fc.assert(
    fc.property(
      fullRecord,
      fc.uniqueArray(fc.constantFrom(...MATCH_FIELDS), { minLength: 2, maxLength: 2 }),
      fc.nat(),
      fc.nat(),
      (a, fields, at, kind) => {
        const copy = { ...a };
        for (const f of fields) copy[f] = typo(a[f]!, at, kind);
        const keys = new Set(blockingKeys(a));
        expect(blockingKeys(copy).some((k) => keys.has(k))).toBe(true);
      },
    ),
    runs,
  );
});

test('match values are normalised: case, accents, punctuation and spacing never make two values differ', () => {
  const a = matchValuesFromTraits({
    firstName: ' José ',
    lastName: "O'Neil",
    birthDate: '1980-02-03',
    address: { line1: '12  Main St.', city: 'SÃO PAULO', postalCode: '04-512' },
    emails: ['Jose@Example.com'],
  });
  expect(a).toEqual({
    givenName: 'jose',
    surname: 'o neil',
    birthDate: '19800203',
    streetNumber: '12',
    street: 'main st',
    city: 'sao paulo',
    postcode: '04512',
    email: 'jose@example.com',
  });
});

test('a known match needs two independent exact agreements', () => {
  const base = {
    givenName: 'ann',
    surname: 'lee',
    birthDate: '19800101',
    email: 'a@x.com',
    nationalId: '123',
  };
  const v = (b: MatchValues) => compareValues(base, b);
  expect(knownMatch(v({ ...base }))).toBe(true);
  expect(knownMatch(v({ email: 'a@x.com', birthDate: '19800101' }))).toBe(true);
  // One agreement alone: a shared family email, or two people of the same name.
  expect(knownMatch(v({ email: 'a@x.com', givenName: 'bob', surname: 'lee' }))).toBe(false);
  expect(knownMatch(v({ givenName: 'ann', surname: 'lee', birthDate: '19900101' }))).toBe(false);
});

test('emails agree by mailbox; a mailbox holding a name the pair weighs is no evidence', () => {
  const email = COMPARISONS.find((c) => c.field === 'email')!;
  const level = (a: MatchValues, b: MatchValues) => {
    expect(email.compare(b, a)).toBe(email.compare(a, b));
    return email.compare(a, b);
  };
  const anna = { givenName: 'anna', surname: 'brown' };
  const annaB = { givenName: 'anna', surname: 'browne' };
  // The same address, up to a +tag.
  expect(level({ email: 'anna.brown+shop@x.com' }, { email: 'anna.brown@x.com' })).toBe(0);
  // Namesakes at one provider: anna.brown@ and annabrown@ are two mailboxes.
  expect(
    level({ ...anna, email: 'anna.brown@x.com' }, { ...annaB, email: 'annabrown@x.com' }),
  ).toBeNull();
  expect(level({ email: 'zebra.77@x.com' }, { email: 'zebra77@x.com' })).toBe(1);
  // A mailbox nobody else would pick, at another provider.
  expect(level({ ...anna, email: 'zebra77@x.com' }, { ...anna, email: 'zebra77@y.com' })).toBe(1);
  // Any Anna Brown could hold these at another provider: the names already say it.
  for (const mailbox of ['anna.brown', 'brown_anna', 'abrown', 'annab', 'anna', 'brown', 'anna77'])
    expect(
      level({ ...anna, email: `${mailbox}@x.com` }, { ...annaB, email: `${mailbox}@y.com` }),
    ).toBeNull();
  // A name only one record has is not weighed: the mailbox is where the other says it.
  expect(level({ ...anna, email: 'annabrown@x.com' }, { email: 'annabrown@y.com' })).toBe(1);
  expect(level({ email: 'annabrown@x.com' }, { email: 'annabrown@y.com' })).toBe(1);
  expect(level({ email: 'anna@x.com' }, { email: 'bob@x.com' })).toBe(3);
  // A mailbox name typed with a slip or two, at the same or another provider.
  expect(level({ email: 'barbara84@robbins.biz' }, { email: 'birara84@robbins.baz' })).toBe(2);
  expect(level({ email: 'eaul44@bpntly.com' }, { email: 'paul44@bentley.com' })).toBe(2);
  // Not when the digits differ (a provider hands namesakes jjones7 and jjones12), the names
  // are short (anna/anne), or the mailbox holds the names weighed.
  expect(level({ email: 'jjones7@x.com' }, { email: 'jjones12@x.com' })).toBe(3);
  expect(level({ email: 'jjones@x.com' }, { email: 'jjones7@x.com' })).toBe(3);
  expect(level({ email: 'anna@x.com' }, { email: 'anne@x.com' })).toBe(3);
  expect(
    level({ ...anna, email: 'annabrown@x.com' }, { ...annaB, email: 'annabrwn@x.com' }),
  ).toBeNull();
  // Either record's spelling counts, and an initial may be of a name neither holds: two
  // D. Andersons share danderson@, and P. and M. Santos are one slip apart.
  expect(
    level(
      { surname: 'anderson', email: 'danderson@x.com' },
      { givenName: 'daniel', surname: 'adnerson', email: 'danderson@y.com' },
    ),
  ).toBeNull();
  expect(
    level(
      { surname: 'santos', email: 'psantos@x.com' },
      { surname: 'sanntos', email: 'msantos@x.com' },
    ),
  ).toBeNull();
  // A mailbox holding a weighed name, even one slip away, is the names again.
  expect(
    level(
      { givenName: 'brandon', email: 'brandonanderson@x.com' },
      { givenName: 'brandon', email: 'brandon.anderson@y.com' },
    ),
  ).toBeNull();
  expect(
    level(
      { givenName: 'limda', surname: 'lopez', email: 'lopez.linda@x.com' },
      { surname: 'lopez', email: 'lopez.linda@y.com' },
    ),
  ).toBeNull();
  // No evidence scores as a missing value does.
  const model = defaultModel();
  const tf = () => undefined;
  const a = { ...anna, email: 'annabrown@x.com' };
  const b = { ...anna, email: 'annabrown@y.com' };
  const withoutEmail = { ...anna };
  expect(scoreTotal(model, a, b, tf)).toBe(scoreTotal(model, a, withoutEmail, tf));
});

test("no level below exact weighs more than an exact agreement on the record's own value", () => {
  const model = defaultModel();
  // Strangers almost never have both names swapped: that level's own weight is huge.
  model.levels.surname[2] = { m: 0.05, u: 1e-9 };
  const tf = (_field: string, value: string) => (value === 'lee' ? 0.01 : undefined);
  const a = { givenName: 'jon', surname: 'lee' };
  const swapped = { givenName: 'lee', surname: 'jon' };
  const surname = scorePair(model, a, swapped, tf).fields.find((f) => f.field === 'surname')!;
  expect(surname.level).toBe('swapped with givenName');
  expect(surname.weight).toBeCloseTo(Math.log2(model.levels.surname[0]!.m / 0.01), 10);
  // The ranking scorer weighs it the same, to the bit.
  const scorer = new RecordScorer(model, a, tf);
  expect(scorer.totalIfAtLeast(swapped, -Infinity)).toBe(scoreTotal(model, a, swapped, tf));
  expect(scoreTotal(model, a, swapped, tf)).toBe(scorePair(model, a, swapped, tf).total);
});

test('a model stored before a field gained a level keeps its other estimates and asks to be retrained', () => {
  const trained = defaultModel();
  trained.version = 7;
  trained.trainedOn = { records: 5000, candidatePairs: 1, randomPairs: 1, iterations: 1 };
  trained.levels.surname = trained.levels.surname.map((p) => ({ ...p, m: p.m / 2 }));
  trained.levels.email = [
    { m: 0.9, u: 0.0001 },
    { m: 0.05, u: 0.0005 },
    { m: 0.05, u: 0.9994 },
  ];
  const fitted = fittedToComparisons(trained);
  for (const c of COMPARISONS) expect(fitted.levels[c.field]).toHaveLength(c.levels.length);
  expect(fitted.levels.email).toEqual(defaultModel().levels.email);
  expect(fitted.levels.surname).toEqual(trained.levels.surname);
  expect(fitted.version).toBe(7);
  // Trained on no records: the matcher asks for a training at its next record.
  expect(fitted.trainedOn.records).toBe(0);
  // A model that fits is used as it is.
  expect(fittedToComparisons(fitted)).toBe(fitted);
});

test('a name found in the other field counts once; both names swapped count twice', () => {
  const [given, surname] = [0, 1].map((i) => COMPARISONS[i]!);
  const different = given!.levels.indexOf('different');
  const levels = (a: MatchValues, b: MatchValues) => {
    const forward = [given!.compare(a, b), surname!.compare(a, b)];
    expect([given!.compare(b, a), surname!.compare(b, a)]).toEqual(forward);
    return forward;
  };
  // Linda Collins entered surname-first, against Linda Evans: one shared name.
  expect(
    levels({ givenName: 'collins', surname: 'linda' }, { givenName: 'linda', surname: 'evans' }),
  ).toEqual([2, different]);
  expect(levels({ givenName: 'collins', surname: 'linda' }, { givenName: 'linda' })).toEqual([
    2,
    null,
  ]);
  // The surnames are both there and differ, but the swap leaves "linda" with no given name
  // to compare to: the crossed name counts once and the surnames are no evidence.
  expect(levels({ givenName: 'collins', surname: 'linda' }, { surname: 'collins' })).toEqual([
    2,
    null,
  ]);
  // What the swap leaves over is compared: a different given name counts against.
  expect(
    levels(
      { givenName: 'wallace', surname: 'isabella' },
      { givenName: 'anne', surname: 'wallace' },
    ),
  ).toEqual([2, different]);
  expect(
    levels(
      { givenName: 'wallace', surname: 'isabella' },
      { givenName: 'isabela', surname: 'wallace' },
    ),
  ).toEqual([2, 2]);
  // Both swapped: two names agree, each counted at its own field.
  expect(
    levels({ givenName: 'collins', surname: 'linda' }, { givenName: 'linda', surname: 'collins' }),
  ).toEqual([2, 2]);
});

test('familiar forms of one given name meet at the nickname level, whichever way round', () => {
  const given = COMPARISONS[0]!;
  const level = (x: string, y: string) => {
    const forward = given.compare({ givenName: x }, { givenName: y });
    expect(given.compare({ givenName: y }, { givenName: x })).toBe(forward);
    return forward === null ? null : given.levels[forward];
  };
  expect(level('bill', 'william')).toBe('nickname');
  expect(level('peggy', 'margaret')).toBe('nickname');
  // Two familiar forms of one name: Bill and Will are both William.
  expect(level('bill', 'will')).toBe('nickname');
  // A form close in spelling is the closer level; unrelated names stay different.
  expect(level('jon', 'john')).toBe('jaro-winkler ≥ 0.92');
  expect(level('bill', 'margaret')).toBe('different');
  expect(level('peggy', 'patricia')).toBe('different');
});

test('birth dates a few days apart are within a week; further apart, within a year', () => {
  const birth = COMPARISONS.find((c) => c.field === 'birthDate')!;
  const level = (x: string, y: string) =>
    birth.levels[birth.compare({ birthDate: x }, { birthDate: y })!];
  // The 9th and the 10th: two typed digits apart, but one day.
  expect(level('19840709', '19840710')).toBe('within a week');
  expect(level('19991225', '19991231')).toBe('within a week');
  expect(level('19991220', '19991231')).toBe('within a year');
  expect(level('19840709', '19840708')).toBe('1 edit');
});
