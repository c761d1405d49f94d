import { createHash } from 'node:crypto';
import { badInput } from '../errors';
import type { KnownState } from '../identity/identityGraph';
import type { IdentifierPolicy, RawIdentifier } from '../identity/identifierPolicy';
import type { IdentityResolver, RecordToResolve, ResolutionResult } from '../identity/resolver';
import { assertJsonObject, canonicalJson } from '../validation/json';
import { assertNoConsentKeys, consentTraits } from '../consent/consent';
import { yieldToLive } from '../ingest/lanes';

export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

/** A contact as a CRM system sends it (the GraphQL `CrmContactInput`). */
export interface CrmContactInput {
  crmId: string;
  firstName?: string | null;
  lastName?: string | null;
  emails?: readonly string[] | null;
  phones?: readonly string[] | null;
  birthDate?: string | null;
  address?: AddressInput | null;
  attributes?: unknown;
  consent?: readonly { purpose: string; granted: boolean }[] | null;
}

const MAX_EMAILS = 20;
export const MAX_CONTACTS_PER_REQUEST = 500;
/** Contacts of one bulk request resolved at once: enough to hide store latency, not to flood it. */
const BULK_CONCURRENCY = 8;
const MAX_PHONES = 20;
const MAX_NAME_LENGTH = 200;
const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
const CORE_TRAITS = ['firstName', 'lastName', 'birthDate', 'address', 'emails', 'phones'];

type PreparedContact = ReturnType<CrmContactService['prepare']>;

/**
 * Takes contacts pushed by CRM systems: validates everything before writing anything,
 * then resolves the contact's identifiers (CRM id, emails, phones) to one profile.
 */
/**
 * Runs after a contact is resolved deterministically (probabilistic matching); returns the
 * live profile the contact belongs to afterwards, which a merge may have changed.
 */
export type AfterContactResolved = (
  recordId: string,
  recordOwner: string,
  traits: Record<string, unknown>,
  profileId: string,
  /** What resolution wrote (see `ResolutionResult.known`). */
  known: KnownState,
) => Promise<string>;

export class CrmContactService {
  constructor(
    private readonly policy: IdentifierPolicy,
    private readonly resolver: IdentityResolver,
    private readonly afterResolved: AfterContactResolved | null = null,
  ) {}

  async upsert(input: CrmContactInput, field = 'input'): Promise<ResolutionResult> {
    return this.resolve(this.prepare(input, field));
  }

  /**
   * A CRM's bulk sync: every contact is validated before any is written, then they are
   * resolved a few at a time (the resolver is safe under concurrency, and contacts that
   * share identifiers still end in one profile).
   */
  async upsertMany(
    inputs: readonly CrmContactInput[],
    field = 'inputs',
  ): Promise<(ResolutionResult & { crmId: string })[]> {
    if (inputs.length === 0) throw badInput(field, 'at least one contact is required');
    if (inputs.length > MAX_CONTACTS_PER_REQUEST)
      throw badInput(
        field,
        `at most ${MAX_CONTACTS_PER_REQUEST} contacts per request, got ${inputs.length}`,
      );
    const prepared = inputs.map((input, i) => this.prepare(input, `${field}[${i}]`));
    const first = new Map<string, number>();
    prepared.forEach((p, i) => {
      if (first.has(p.crmId))
        throw badInput(
          `${field}[${i}].crmId`,
          `"${p.crmId}" appears twice in one request (also at [${first.get(p.crmId)}])`,
        );
      first.set(p.crmId, i);
    });
    // Resolved together (new contacts a write per step for all), then matched a few at a time.
    const resolved = await this.resolver.resolveMany(
      prepared.map((p) => this.recordOf(p)),
      BULK_CONCURRENCY,
    );
    const results = new Array<ResolutionResult & { crmId: string }>(prepared.length);
    let next = 0;
    const worker = async () => {
      while (next < prepared.length) {
        const i = next++;
        await yieldToLive();
        const p = prepared[i]!;
        results[i] = { crmId: p.crmId, ...(await this.matched(p, resolved[i]!)) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, prepared.length) }, worker));
    return results;
  }

  private async resolve(prepared: PreparedContact): Promise<ResolutionResult> {
    return this.matched(prepared, await this.resolver.resolve(this.recordOf(prepared)));
  }

  /** After deterministic resolution, probabilistic matching, which may merge the profile on. */
  private async matched(
    prepared: PreparedContact,
    result: ResolutionResult,
  ): Promise<ResolutionResult> {
    if (this.afterResolved === null || result.recordOwner === null) return result;
    const profileId = await this.afterResolved(
      `crm:${prepared.crmId}`,
      result.recordOwner,
      prepared.traits,
      result.profileId,
      result.known,
    );
    return profileId === result.profileId ? result : { ...result, profileId, changed: true };
  }

  private recordOf(prepared: PreparedContact): RecordToResolve {
    return {
      recordId: `crm:${prepared.crmId}`,
      source: 'crm',
      identifiers: prepared.identifiers.usable,
      traitRecord: {
        traits: prepared.traits,
        // The normalised content, so `A@x.com` vs `a@x.com` or an omitted vs empty list
        // is the same version.
        hash: createHash('sha256')
          .update(canonicalJson({ identifiers: prepared.identifiers, traits: prepared.traits }))
          .digest('base64url'),
        observedAt: new Date(),
        payload: prepared.payload,
      },
      reason: 'SHARED_IDENTIFIER',
    };
  }

  private prepare(input: CrmContactInput, field: string) {
    const raw: RawIdentifier[] = [{ kind: 'CRM_ID', value: input.crmId, field: `${field}.crmId` }];
    const emails = input.emails ?? [];
    const phones = input.phones ?? [];
    if (emails.length > MAX_EMAILS)
      throw badInput(`${field}.emails`, `at most ${MAX_EMAILS} emails, got ${emails.length}`);
    if (phones.length > MAX_PHONES)
      throw badInput(`${field}.phones`, `at most ${MAX_PHONES} phones, got ${phones.length}`);
    emails.forEach((value, i) =>
      raw.push({ kind: 'EMAIL', value, field: `${field}.emails[${i}]` }),
    );
    phones.forEach((value, i) =>
      raw.push({ kind: 'PHONE', value, field: `${field}.phones[${i}]` }),
    );
    const identifiers = this.policy.prepare(raw);
    const crmId = identifiers.usable.find((id) => id.kind === 'CRM_ID')?.value;
    if (crmId === undefined)
      throw badInput(`${field}.crmId`, `"${input.crmId}" is a blocked placeholder value`);

    const attributes =
      input.attributes === undefined || input.attributes === null
        ? {}
        : assertJsonObject(input.attributes, `${field}.attributes`);
    assertNoConsentKeys(attributes, `${field}.attributes`);
    for (const key of CORE_TRAITS) {
      if (key in attributes)
        throw badInput(
          `${field}.attributes.${key}`,
          `"${key}" is a field of its own; set it there`,
        );
    }

    const traits: Record<string, unknown> = { ...attributes };
    const firstName = optionalName(input.firstName, `${field}.firstName`);
    const lastName = optionalName(input.lastName, `${field}.lastName`);
    if (firstName !== null) traits.firstName = firstName;
    if (lastName !== null) traits.lastName = lastName;
    if (input.birthDate !== undefined && input.birthDate !== null) {
      traits.birthDate = parseBirthDate(input.birthDate, `${field}.birthDate`);
    }
    if (input.address) traits.address = cleanAddress(input.address, `${field}.address`);
    const usableEmails = identifiers.usable.filter((i) => i.kind === 'EMAIL').map((i) => i.value);
    const usablePhones = identifiers.usable.filter((i) => i.kind === 'PHONE').map((i) => i.value);
    if (usableEmails.length > 0) traits.emails = usableEmails;
    if (usablePhones.length > 0) traits.phones = usablePhones;
    if (input.consent) Object.assign(traits, consentTraits(input.consent, `${field}.consent`));

    const payload = { ...input, attributes };
    return { crmId, identifiers, traits, payload };
  }
}

function optionalName(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.length > MAX_NAME_LENGTH)
    throw badInput(field, `longer than ${MAX_NAME_LENGTH} characters`);
  return trimmed === '' ? null : trimmed;
}

/** Birth dates are calendar dates (`YYYY-MM-DD`), checked to exist and not be in the future. */
function parseBirthDate(value: string, field: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) throw badInput(field, `expected a date as YYYY-MM-DD, got "${value}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw badInput(field, `"${value}" is not a calendar date`);
  }
  if (y < 1900 || date.getTime() > Date.now())
    throw badInput(field, `"${value}" is not a plausible birth date`);
  return value.trim();
}

function cleanAddress(address: AddressInput, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ADDRESS_FIELDS) {
    const v = address[key];
    if (v === undefined || v === null) continue;
    const trimmed = v.normalize('NFC').trim();
    if (trimmed.length > MAX_NAME_LENGTH)
      throw badInput(`${field}.${key}`, `longer than ${MAX_NAME_LENGTH} characters`);
    if (trimmed !== '') out[key] = trimmed;
  }
  return out;
}
