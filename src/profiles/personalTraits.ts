import type { Logger } from 'pino';
import { isPersonalKey, looksLikeEmail, looksLikePhone } from '../auth/mask';

/**
 * Where the trait keys learned to hold personal data by their values are kept, shared by
 * every process. Never personal data itself: keys only.
 */
export interface PersonalTraitKeyStore {
  /** Every key learned so far, by any process. */
  learned(): Promise<string[]>;
  /**
   * Adds keys to the learned set in one idempotent write to one document, so replicas
   * adding keys in any order converge.
   */
  add(keys: string[]): Promise<void>;
}

/** Rules name fields of at most 100 characters (`src/segments/rules/rule.ts`): longer keys are never compared. */
const MAX_KEY_LENGTH = 100;
/** Deeper than any document Mosaic stores (input validation caps nesting). */
const MAX_DEPTH = 64;

/**
 * Top-level keys of `traits` whose value holds, at any depth (in objects and arrays), a
 * string that masking hides by its looks for callers who may not see personal data: an
 * email or a phone number, or a sentence quoting an email (`"write to sam@example.com"`).
 * Keys personal by their name (`emails`, `firstName` …) are left out: masking and the
 * rule checks know them already. Numbers are not flagged: under such a key they are shown
 * as they are, so comparing them reveals nothing. `skip`: keys known already, whose
 * values need no scan.
 */
export function personalLookingKeys(
  traits: Record<string, unknown>,
  skip: ReadonlySet<string> = new Set(),
): string[] {
  return Object.keys(traits).filter(
    (key) =>
      !skip.has(key) &&
      key.length <= MAX_KEY_LENGTH &&
      !isPersonalKey(key) &&
      holdsPersonalLookingString(traits[key], 0),
  );
}

function holdsPersonalLookingString(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return looksPersonal(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return false;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return children.some((v) => holdsPersonalLookingString(v, depth + 1));
}

/**
 * What `maskString` masks by shape under a key that says nothing: a whole email or phone
 * number, and an email quoted in longer text (a word that looks like one). Phone numbers
 * quoted in text are not looked for: the same digit runs are every date and timestamp
 * ("2024-01-15T10:00Z"), and learning those would forbid every date comparison.
 */
function looksPersonal(value: string): boolean {
  if (looksLikeEmail(value) || looksLikePhone(value)) return true;
  return value.includes('@') && value.split(/\s+/).some(looksLikeEmail);
}

/**
 * A schema of personal traits learned from the data: every top-level trait key that has
 * ever held a value masked by its looks (see personalLookingKeys). A segment rule may not
 * compare such a trait for a caller who may not see personal data (comparisons narrowed
 * step by step would spell the masked value out), and the sizes of segments that compare
 * one are floored for that caller.
 *
 * Fed by every trait write (the identity resolver calls `observe` before it stores a
 * record), so it must stay cheap: traits are scanned in memory, and the store is written
 * only when a key is new to this process (`PersonalTraitKeyStore.add`: idempotent, so
 * replicas converge whatever their order). Keys are only ever added: a trait that once
 * held an email may hold one again in any record not yet rewritten.
 */
export class PersonalTraits {
  /** Keys known to be stored: their values are not scanned again. */
  private readonly stored = new Set<string>();
  /** Keys this process has seen, stored or not (a failed write is retried on the next sighting). */
  private readonly seen = new Set<string>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly keyStore: PersonalTraitKeyStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Learns the keys of `traits` that hold personal-looking values. Resolves once they are
   * stored (so a value is never in the store before its key is learned there), and never
   * rejects: a failed write is logged and does not fail the trait write; this process
   * still treats the keys as personal, and stores them on their next sighting.
   */
  observe(traits: Record<string, unknown>): Promise<void> {
    const found = personalLookingKeys(traits, this.stored);
    if (found.length === 0) return Promise.resolve();
    for (const key of found) this.seen.add(key);
    const fresh = found.filter((key) => !this.writing.has(key));
    if (fresh.length > 0) {
      const write = this.store(fresh).finally(() => {
        for (const key of fresh) this.writing.delete(key);
      });
      for (const key of fresh) this.writing.set(key, write);
    }
    // Keys another call is storing right now count as this call's too.
    const writes = new Set(found.flatMap((key) => this.writing.get(key) ?? []));
    return Promise.all(writes).then(() => undefined);
  }

  /** The keys learned so far by any process, read from the store now (for rule checks). */
  async current(): Promise<ReadonlySet<string>> {
    const learned = await this.keyStore.learned();
    for (const key of learned) this.stored.add(key);
    return new Set([...learned, ...this.seen]);
  }

  private async store(keys: string[]): Promise<void> {
    try {
      await this.keyStore.add(keys);
      for (const key of keys) this.stored.add(key);
    } catch (err) {
      this.logger.warn(
        { err, keys },
        'could not record trait keys holding personal values; retrying on their next write',
      );
    }
  }
}
