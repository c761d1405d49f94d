/** One event of a profile's recent log, as engagement reads it. */
export interface RecentEvent {
  type: 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';
  event: string | null;
  name: string | null;
  timestamp: Date;
}

export const DAY_MS = 86_400_000;

/**
 * One term of the engagement score: `weight × (1 − e^(−x / halfway))`. The transform is 0
 * at x = 0, rises monotonically and never exceeds 1, so every term is bounded by its
 * weight and one more event never lowers it; `halfway` is the x at which a term reaches
 * 63% of its weight (1 − 1/e), i.e. what counts as "clearly engaged" for that signal.
 */
interface Term {
  weight: number;
  halfway: number;
}

/**
 * The weights add up to 100, so the score is a percentage of "as engaged as anyone can be".
 *
 * - `activeDays` (40): distinct days with activity in the last 30. Habit is the best sign
 *   of engagement and the hardest to fake with one burst (or one misbehaving client); six
 *   active days, about one and a half a week, reach 63%.
 * - `last7` (25): events in the last 7 days. What someone did this week predicts next week
 *   better than anything older; five events, about one session, reach 63%.
 * - `tracks30` (20): track events in the last 30 days. Tracks are actions (a product added,
 *   a form sent) rather than passive page or screen views; ten reach 63%.
 * - `last30` (15): events in the last 30 days. Plain volume, weighted least because a
 *   single burst inflates it; about one a day reaches 63%.
 */
export const ENGAGEMENT_TERMS = {
  activeDays: { weight: 40, halfway: 6 },
  last7: { weight: 25, halfway: 5 },
  tracks30: { weight: 20, halfway: 10 },
  last30: { weight: 15, halfway: 30 },
} as const satisfies Record<string, Term>;

/**
 * Only what a person does counts. `identify`, `alias` and `group` calls are bookkeeping that
 * servers send too (a nightly CRM sync, a login), and would make every synced profile look
 * active every day.
 */
const BEHAVIOURAL: ReadonlySet<RecentEvent['type']> = new Set(['track', 'page', 'screen']);

const term = (t: Term, x: number): number => t.weight * (1 - Math.exp(-x / t.halfway));

/**
 * Engagement, an integer from 0 to 100: the rounded sum of `ENGAGEMENT_TERMS`. Windows end
 * at `now` and include their start (`now − N days`), as segment rules' windows do. Events
 * stamped after `now` (clock skew) or with an invalid timestamp are ignored; no behavioural
 * event in the last 30 days scores 0. Adding an event never lowers the score.
 */
export function engagementScore(recent: readonly RecentEvent[], now: Date): number {
  const nowMs = now.getTime();
  let last7 = 0;
  let last30 = 0;
  let tracks30 = 0;
  const days = new Set<number>();
  for (const e of recent) {
    if (!BEHAVIOURAL.has(e.type)) continue;
    const age = nowMs - e.timestamp.getTime();
    // Written so that NaN (an invalid date) fails both comparisons.
    if (!(age >= 0 && age <= 30 * DAY_MS)) continue;
    last30++;
    if (age <= 7 * DAY_MS) last7++;
    if (e.type === 'track') tracks30++;
    // Days are counted back from `now`, not by calendar, so the score does not jump at
    // midnight in whatever time zone; the window's first instant belongs to its oldest day.
    days.add(Math.min(Math.floor(age / DAY_MS), 29));
  }
  const t = ENGAGEMENT_TERMS;
  const score =
    term(t.activeDays, days.size) +
    term(t.last7, last7) +
    term(t.tracks30, tracks30) +
    term(t.last30, last30);
  return Math.min(100, Math.max(0, Math.round(score)));
}
