import { eventWindowKey, eventWindows, referencedSegments } from './rules/rule';
import type { SegmentSubject } from './rules/subject';
import { toPredicate } from './rules/toPredicate';
import type { SegmentDoc } from './segmentModels';

const DAY_MS = 86_400_000;

export interface RecentEvent {
  type: string;
  event: string | null;
  name: string | null;
  timestamp: Date;
}

/**
 * Counts per (event, window) for every window some segment reads, keyed as the rules
 * expect (`eventWindowKey`). An event matches by its track name or page/screen name.
 */
export function activityCounts(
  segments: SegmentDoc[],
  events: RecentEvent[],
  now: Date,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { event, days } of segments.flatMap((s) => eventWindows(s.rule))) {
    const since = now.getTime() - days * DAY_MS;
    counts[eventWindowKey(event, days)] = events.filter(
      (e) =>
        (e.event === event || e.name === event) &&
        e.timestamp.getTime() >= since &&
        e.timestamp.getTime() <= now.getTime(),
    ).length;
  }
  return counts;
}

/**
 * The segments `subject` belongs to at `now`. Segments that refer to other segments are
 * evaluated after them, against the memberships just computed (definitions are checked
 * to have no cycles; a cycle that slipped in leaves the segments in it out).
 */
export function evaluateMemberships(
  subject: SegmentSubject,
  segments: SegmentDoc[],
  now: Date,
): string[] {
  const byId = new Map(segments.map((s) => [s._id, s]));
  const members = new Set<string>();
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (segment: SegmentDoc): void => {
    if (done.has(segment._id) || visiting.has(segment._id)) return;
    visiting.add(segment._id);
    for (const ref of referencedSegments(segment.rule)) {
      const dependency = byId.get(ref);
      if (dependency) visit(dependency);
    }
    visiting.delete(segment._id);
    if (toPredicate(segment.rule, now)({ ...subject, segments: [...members] }))
      members.add(segment._id);
    done.add(segment._id);
  };
  for (const segment of segments) visit(segment);
  return [...members].sort();
}
