import type { OpaqueIds } from '../auth/opaqueIds';
import { badInput } from '../errors';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import type { IdentifierKind } from '../identity/kinds';
import type { IdentityResolver, ResolutionResult } from '../identity/resolver';
import { canonicalJson } from '../validation/json';
import { consentTraits } from './consent';

/** How far ahead of this clock a statement's time may be (client clocks drift). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Records what a person agreed to (from a consent platform, a CRM, a preference centre).
 * Each statement is a record of its own (named by its content), resolved to the person's profile like a contact
 * (a person not known yet gets a profile, so consent given before sign-up is kept), whose
 * traits are the consent flags, observed at the time the person gave them.
 */
export class ConsentService {
  constructor(
    private readonly policy: IdentifierPolicy,
    private readonly resolver: IdentityResolver,
    private readonly opaqueIds: OpaqueIds,
  ) {}

  async record(input: {
    kind: IdentifierKind;
    value: string;
    consents: readonly { purpose: string; granted: boolean }[];
    at?: Date | null;
  }): Promise<ResolutionResult> {
    if (input.consents.length === 0) throw badInput('consents', 'at least one purpose is required');
    const traits = consentTraits(input.consents, 'consents');
    const { usable } = this.policy.prepare([
      { kind: input.kind, value: input.value, field: 'value' },
    ]);
    if (usable.length === 0) throw badInput('value', 'is a blocked placeholder value');
    const at = input.at ?? new Date();
    if (Number.isNaN(at.getTime())) throw badInput('at', 'not a valid date-time');
    if (at.getTime() > Date.now() + MAX_CLOCK_SKEW_MS)
      throw badInput('at', `${at.toISOString()} is in the future`);
    const payload = { identifier: usable[0], consents: input.consents, at: at.toISOString() };
    // Named by its content, so re-sending the same statement (same time) changes nothing;
    // keyed, because a plain digest of a phone number and a shown purpose and time is
    // recovered by hashing the area's numbers.
    const hash = await this.opaqueIds.of('consent-statement', canonicalJson(payload));
    return this.resolver.resolve({
      recordId: `consent:${hash}`,
      source: 'crm',
      identifiers: usable,
      traitRecord: {
        traits,
        hash,
        observedAt: at,
        payload,
      },
      reason: 'SHARED_IDENTIFIER',
    });
  }
}
