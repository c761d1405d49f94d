import { ErrorCode, MosaicError, badInput } from '../errors';
import { parsePurpose, ruleWithConsent } from '../consent/consent';
import { parseRule, referencedSegments } from './rules/rule';
import { newId } from '../ids';
import type { SegmentDoc, WebhookDoc } from './segmentModels';
import type { SegmentStore } from './segmentStore';

const MAX_NAME = 100;
const MAX_WEBHOOKS = 10;
/** Segment lists are small (tens, hundreds): workers re-read them at most this often. */
const CACHE_MS = 2_000;

/** Segment definitions, with the checks a definition must pass before it is stored. */
export class SegmentDefinitions {
  private cache: { at: number; segments: SegmentDoc[] } | null = null;

  constructor(private readonly store: SegmentStore) {}

  async list(): Promise<SegmentDoc[]> {
    return (await this.store.list()).sort((a, b) => (a._id < b._id ? -1 : 1));
  }

  /** The list, at most a couple of seconds old (for workers evaluating every profile change). */
  async listCached(now = Date.now()): Promise<SegmentDoc[]> {
    if (this.cache === null || now - this.cache.at > CACHE_MS)
      this.cache = { at: now, segments: await this.list() };
    return this.cache.segments;
  }

  get(id: string): Promise<SegmentDoc | null> {
    return this.store.get(id);
  }

  /** The segment, or NOT_FOUND naming `field` (the argument that carried the id). */
  async require(id: string, field: string): Promise<SegmentDoc> {
    const segment = await this.get(id);
    if (segment === null) throw new MosaicError(ErrorCode.NOT_FOUND, `No segment ${id}.`, field);
    return segment;
  }

  /**
   * Defines a segment. With a `purpose`, only profiles that granted that consent can be
   * members: the stored rule (what both compilers run) requires it.
   */
  async define(name: string, ruleInput: unknown, purpose?: string | null): Promise<SegmentDoc> {
    const clean = checkName(name);
    const id = slug(clean);
    const checkedPurpose = purpose == null ? null : parsePurpose(purpose, 'purpose');
    const rule = ruleWithConsent(parseRule(ruleInput), checkedPurpose);
    await this.checkReferences(id, referencedSegments(rule));
    const now = new Date();
    const doc: SegmentDoc = {
      _id: id,
      name: clean,
      rule,
      ruleInput,
      purpose: checkedPurpose,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.store.insert(doc)))
      throw new MosaicError(
        ErrorCode.CONFLICT,
        `A segment named like "${clean}" exists (id ${id}); update it instead.`,
        'name',
      );
    this.cache = null;
    return doc;
  }

  /** `purpose`: undefined keeps it, null removes it, a string sets it. */
  async update(
    id: string,
    changes: { name?: string | null; rule?: unknown; purpose?: string | null },
  ): Promise<SegmentDoc> {
    const existing = await this.require(id, 'id');
    if (existing.kind === 'CLUSTER')
      throw new MosaicError(
        ErrorCode.CONFLICT,
        `Segment ${id} is a cluster of clustering ${existing.cluster?.clusteringId}: its runs set it.`,
        'id',
      );
    const name = changes.name == null ? existing.name : checkName(changes.name);
    const ruleInput =
      changes.rule !== undefined && changes.rule !== null ? changes.rule : existing.ruleInput;
    const purpose =
      changes.purpose === undefined
        ? (existing.purpose ?? null)
        : changes.purpose === null
          ? null
          : parsePurpose(changes.purpose, 'purpose');
    const rule = ruleWithConsent(parseRule(ruleInput), purpose);
    await this.checkReferences(id, referencedSegments(rule));
    const doc: SegmentDoc = { ...existing, name, rule, ruleInput, purpose, updatedAt: new Date() };
    await this.store.replace(doc);
    this.cache = null;
    return doc;
  }

  /**
   * Writes a cluster segment as its clustering's run describes it, keeping its webhooks
   * and creation time when it exists (its id stays while the cluster keeps its id).
   */
  async putCluster(
    doc: Omit<SegmentDoc, 'createdAt' | 'updatedAt' | 'webhooks'>,
    now: Date,
  ): Promise<void> {
    const existing = await this.get(doc._id);
    const full: SegmentDoc = {
      ...doc,
      kind: 'CLUSTER',
      webhooks: existing?.webhooks ?? [],
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (existing === null) await this.store.insert(full);
    else await this.store.replace(full);
    this.cache = null;
  }

  /** `byClustering`: its clustering retires a cluster segment; nobody else deletes one. */
  async delete(id: string, options: { byClustering?: boolean } = {}): Promise<boolean> {
    if (!options.byClustering && (await this.get(id))?.kind === 'CLUSTER')
      throw new MosaicError(
        ErrorCode.CONFLICT,
        `Segment ${id} is a cluster: its clustering's runs retire it (or delete the clustering).`,
        'id',
      );
    await this.refuseIfReferenced(id);
    const deleted = await this.store.delete(id);
    this.cache = null;
    return deleted;
  }

  /** CONFLICT when another segment's rule refers to `id` (`inSegment`). */
  async refuseIfReferenced(id: string): Promise<void> {
    const users = (await this.list()).filter(
      (s) => s._id !== id && referencedSegments(s.rule).includes(id),
    );
    if (users.length > 0)
      throw new MosaicError(
        ErrorCode.CONFLICT,
        `Segment ${id} is used by ${users.map((s) => s._id).join(', ')}; change those first.`,
        'id',
      );
  }

  async addWebhook(
    segmentId: string,
    url: string,
    secret: string,
    purpose?: string | null,
  ): Promise<WebhookDoc> {
    const existing = await this.require(segmentId, 'segmentId');
    const webhook: WebhookDoc = {
      id: newId(),
      url: checkUrl(url),
      secret: checkSecret(secret),
      purpose: purpose == null ? null : parsePurpose(purpose, 'webhook.purpose'),
      createdAt: new Date(),
    };
    const webhooks = existing.webhooks ?? [];
    if (webhooks.length >= MAX_WEBHOOKS)
      throw badInput('webhook', `a segment has at most ${MAX_WEBHOOKS} webhooks`);
    await this.store.setWebhooks(segmentId, [...webhooks, webhook], new Date());
    this.cache = null;
    return webhook;
  }

  async removeWebhook(segmentId: string, webhookId: string): Promise<boolean> {
    const existing = await this.get(segmentId);
    const webhooks = existing?.webhooks ?? [];
    if (!webhooks.some((w) => w.id === webhookId)) return false;
    await this.store.setWebhooks(
      segmentId,
      webhooks.filter((w) => w.id !== webhookId),
      new Date(),
    );
    this.cache = null;
    return true;
  }

  /** Referenced segments must exist, and no chain of references may come back to `id`. */
  private async checkReferences(id: string, refs: string[]): Promise<void> {
    if (refs.length === 0) return;
    const all = new Map((await this.list()).map((s) => [s._id, s]));
    for (const ref of refs)
      if (!all.has(ref) && ref !== id) throw badInput('rule', `segment "${ref}" does not exist`);
    const seen = new Set<string>();
    const visit = (current: string[]): void => {
      for (const ref of current) {
        if (ref === id)
          throw badInput('rule', `segment ${id} would depend on itself (through inSegment)`);
        if (seen.has(ref)) continue;
        seen.add(ref);
        visit(referencedSegments(all.get(ref)?.rule ?? { and: [] }));
      }
    };
    visit(refs);
  }
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput('webhook.url', `"${url.slice(0, 100)}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw badInput('webhook.url', 'must be an http:// or https:// URL');
  return parsed.toString();
}

function checkSecret(secret: string): string {
  if (secret.length < 16 || secret.length > 200)
    throw badInput('webhook.secret', 'must be 16-200 characters (it signs every delivery)');
  return secret;
}

export function checkName(name: string): string {
  const clean = name.normalize('NFC').trim();
  if (clean === '' || clean.length > MAX_NAME)
    throw badInput('name', `must be 1-${MAX_NAME} characters`);
  if (slug(clean) === '') throw badInput('name', 'needs at least one letter or digit');
  return clean;
}

/** `VIP customers (EU)` → `vip-customers-eu`. */
export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
