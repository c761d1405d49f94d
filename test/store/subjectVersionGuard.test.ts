import { MONGODB, PER_KEY_LOOKUPS } from '../../src/store/mongo/capabilities';
import { MongoSegmentMembership } from '../../src/store/mongo/mongoSegmentMembership';
import type { SegmentSubjectDoc } from '../../src/store/models';
import { openTestStack, type TestStack } from '../support/store';

/**
 * A clustering refit re-assigns subjects in bulk while enrichment, their per-profile
 * writer, may rewrite one at the same time: a subject is written only where it is still
 * at the version the refit read (MongoDB: a guarded replace), or is replaced by `_id` and
 * checked after (FerretDB, whose SQLite backend scans for any other filter); either way the
 * refit learns which were not written over the version it read (it sends those to
 * enrichment). Both paths, against the real store.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await openTestStack('subject-version-guard');
});
afterAll(() => stack.close());

const subject = (id: string, version: number, cluster: string): SegmentSubjectDoc => ({
  _id: id,
  traits: {},
  computed: {},
  activity: {},
  segments: [],
  clusters: { behaviour: cluster },
  version,
  enrichedAt: new Date('2026-12-01T00:00:00Z'),
});

test.each([
  ['guarded bulk write (MongoDB)', MONGODB, 6],
  ['replace by _id, then check (FerretDB)', PER_KEY_LOOKUPS, 7],
])(
  '%s: subjects moved on meanwhile are reported, not counted as written',
  async (_, capabilities, p2Version) => {
    await stack.cols.segmentSubjects.deleteMany({});
    const membership = new MongoSegmentMembership(stack.cols, capabilities);
    await stack.cols.segmentSubjects.insertMany([
      subject('p1', 3, 'a'),
      subject('p2', 5, 'a'),
      subject('p3', 1, 'a'),
    ]);
    // Enrichment moved p2 on after the refit read it at version 5.
    await membership.putSubject('p2', { ...subject('p2', 6, 'a') });
    const written = await membership.replaceSubjectsAt('run-1', [
      { subject: subject('p1', 4, 'b'), fromVersion: 3 },
      { subject: subject('p2', 6, 'b'), fromVersion: 5 },
      { subject: subject('p3', 2, 'b'), fromVersion: 1 },
    ]);
    expect([...written].sort()).toEqual(['p1', 'p3']);
    const docs = await stack.cols.segmentSubjects.find({}).sort({ _id: 1 }).toArray();
    expect(
      docs.map((d) => [d._id, d.version, d.clusters?.behaviour, d.assignedBy ?? null]),
    ).toEqual([
      ['p1', 4, 'b', 'run-1'],
      // FerretDB's path put enrichment's copy back, one version up.
      ['p2', p2Version, 'a', null],
      ['p3', 2, 'b', 'run-1'],
    ]);
    // All still at the version read: every one written.
    const all = await membership.replaceSubjectsAt('run-2', [
      { subject: subject('p1', 5, 'c'), fromVersion: 4 },
      { subject: subject('p3', 3, 'c'), fromVersion: 2 },
    ]);
    expect([...all].sort()).toEqual(['p1', 'p3']);
  },
);
