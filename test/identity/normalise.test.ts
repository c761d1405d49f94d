import fc from 'fast-check';
import { isBlocked, normaliseIdentifier } from '../../src/identity/normalise';

const opts = { defaultPhoneRegion: 'US' };
const norm = (kind: Parameters<typeof normaliseIdentifier>[0], v: string) =>
  normaliseIdentifier(kind, v, 'value', opts).value;

describe('email normalisation', () => {
  const localPart = fc
    .stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?$/)
    .filter((s) => !s.includes('..'));
  const domain = fc.stringMatching(/^[a-z0-9]{1,12}\.(com|org|net|io|co\.uk)$/);
  const email = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);
  const messUp = fc.tuple(
    fc.array(fc.boolean(), { maxLength: 64 }),
    fc.stringMatching(/^[ \t]{0,3}$/),
    fc.stringMatching(/^[ \t]{0,3}$/),
  );

  it('maps any case and surrounding whitespace of an address to the same value', () => {
    fc.assert(
      fc.property(email, messUp, (address, [upper, before, after]) => {
        const variant =
          before + [...address].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('') + after;
        expect(norm('EMAIL', variant)).toBe(address);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(email, (address) =>
        expect(norm('EMAIL', norm('EMAIL', address))).toBe(norm('EMAIL', address)),
      ),
    );
  });

  it.each([
    'plainaddress',
    '@example.com',
    'a@',
    'a@b',
    'a b@example.com',
    'a@exa mple.com',
    'a@@example.com',
  ])('rejects %p', (bad) =>
    expect(() => norm('EMAIL', bad)).toThrow(/value: ".*" is not a valid email address/),
  );
});

describe('phone normalisation', () => {
  it.each([
    ['(415) 555-0132', '+14155550132'],
    ['415.555.0132', '+14155550132'],
    ['+1 415 555 0132', '+14155550132'],
    ['1-415-555-0132', '+14155550132'],
    ['+44 20 7946 0001', '+442079460001'],
  ])('reads %p as %p', (raw, e164) => expect(norm('PHONE', raw)).toBe(e164));

  it('reads numbers without country code in the configured region', () => {
    expect(
      normaliseIdentifier('PHONE', '020 7946 0001', 'p', { defaultPhoneRegion: 'GB' }).value,
    ).toBe('+442079460001');
  });

  it('gives the same E.164 for national and international forms of generated US numbers', () => {
    const area = fc.constantFrom('212', '415', '617', '312', '206');
    const line = fc.integer({ min: 2000000, max: 9999999 }).map(String);
    fc.assert(
      fc.property(area, line, (a, l) => {
        const national = `(${a}) ${l.slice(0, 3)}-${l.slice(3)}`;
        const international = `+1 ${a} ${l.slice(0, 3)} ${l.slice(3)}`;
        let expected: string;
        try {
          expected = norm('PHONE', international);
        } catch {
          return; // not every generated number is assigned; only compare valid ones
        }
        expect(norm('PHONE', national)).toBe(expected);
      }),
    );
  });

  it.each(['123', 'call me', '+1 999 999 9999', ''])('rejects %p', (bad) =>
    expect(() => norm('PHONE', bad)).toThrow(/value: /),
  );
});

describe('other identifiers', () => {
  it('keep their case but lose surrounding whitespace', () => {
    expect(norm('USER_ID', '  AbC-123 ')).toBe('AbC-123');
  });

  it('refuse control characters and over-long values', () => {
    expect(() => norm('ANONYMOUS_ID', 'a\u0000b')).toThrow(/control characters/);
    expect(() => norm('CUSTOMER_ID', 'x'.repeat(257))).toThrow(
      /257 characters long; the limit is 256/,
    );
  });

  it('are blocked by exact value, per kind or for every kind', () => {
    const blocked = [
      { kind: 'EMAIL' as const, value: 'test@test.com' },
      { kind: '*' as const, value: 'null' },
    ];
    expect(isBlocked({ kind: 'EMAIL', value: 'test@test.com' }, blocked)).toBe(true);
    expect(isBlocked({ kind: 'USER_ID', value: 'NULL' }, blocked)).toBe(true);
    expect(isBlocked({ kind: 'USER_ID', value: 'test@test.com' }, blocked)).toBe(false);
  });
});
