import type { Config } from '../config/env';
import type { Identifier, IdentifierKind } from './kinds';
import { isBlocked, normaliseIdentifier, sortByPriority } from './normalise';

export interface RawIdentifier {
  kind: IdentifierKind;
  value: string;
  /** Input path, for error messages: `input.emails[0]`. */
  field: string;
}

export interface PreparedIdentifiers {
  /** Normalised, deduped, priority-ordered identifiers that may link profiles. */
  usable: Identifier[];
  /** Known junk values (`test@test.com`, `null`): kept in the raw record, never linked. */
  blocked: Identifier[];
}

/** Applies the configured normalisation and blocklist to a record's identifiers. */
export class IdentifierPolicy {
  constructor(private readonly config: Config['identity']) {}

  normalise(kind: IdentifierKind, value: string, field: string): Identifier {
    return normaliseIdentifier(kind, value, field, this.config);
  }

  /** True for a known junk value (`test@test.com`, `null`) that never links anyone. */
  isBlocked(id: Identifier): boolean {
    return isBlocked(id, this.config.blocked);
  }

  /** Throws BAD_USER_INPUT (naming the field) for the first malformed identifier. */
  prepare(raw: RawIdentifier[]): PreparedIdentifiers {
    const usable: Identifier[] = [];
    const blocked: Identifier[] = [];
    for (const r of raw) {
      const id = this.normalise(r.kind, r.value, r.field);
      (isBlocked(id, this.config.blocked) ? blocked : usable).push(id);
    }
    return { usable: sortByPriority(usable), blocked: sortByPriority(blocked) };
  }
}
