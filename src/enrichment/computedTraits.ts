import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Identifier } from '../identity/kinds';
import type { OrderStats } from '../orders/orderStore';
import { emailDomainKind, type EmailDomainKind } from './emailDomain';
import { DAY_MS, engagementScore, type RecentEvent } from './engagement';
import { eventMix, type EventMix } from './eventMix';
import type { RfmInputs } from './rfm';

export { ENGAGEMENT_TERMS, engagementScore, type RecentEvent } from './engagement';
export { emailDomainKind, type EmailDomainKind } from './emailDomain';
export {
  rfmScore,
  rfmThresholds,
  type Quintile,
  type RfmInputs,
  type RfmScore,
  type RfmThresholds,
} from './rfm';

/** What enrichment reads from a profile's event log. */
export interface ActivitySummary {
  /** Events, all time. */
  eventCount: number;
  /** When the latest event arrived; null without events. */
  lastSeenAt: Date | null;
  /** Events of the last 90 days: enough for engagement and window counts. */
  recent: RecentEvent[];
}

export interface EnrichmentInput {
  /** The profile's identifiers, normalised, highest priority first. */
  identifiers: Identifier[];
  orders: OrderStats;
  activity: ActivitySummary;
  /** The instant every "days since" and window is measured from. */
  now: Date;
  /** ISO 4217 code of the reporting currency; default 'USD'. */
  currency?: string;
}

/** Traits computed from a profile's identifiers, orders and events ("gold" fields). */
export interface ComputedTraits {
  /** Orders not cancelled, in any currency. */
  orderCount: number;
  /** Total of the orders in the reporting currency; others are not converted. */
  lifetimeValue: number;
  /** Total per currency (upper-case ISO 4217 code), for every currency ordered in. */
  lifetimeValueByCurrency: Record<string, number>;
  /** Lifetime value per order in the reporting currency; null without orders in it. */
  averageOrderValue: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  /** Whole days (rounded down) since the last order; 0 for one stamped in the future. */
  daysSinceLastOrder: number | null;
  /** Whole days since the later of the last event and the last order. */
  daysSinceLastActivity: number | null;
  /** 0-100; see `engagementScore`. */
  engagementScore: number;
  /** Events of the last 90 days by shopping step (see `eventMix`). */
  eventMix: EventMix;
  /** Of the first EMAIL identifier; null without one. */
  emailDomainKind: EmailDomainKind | null;
  /** ISO 3166-1 alpha-2 country of the first PHONE identifier; null when not known. */
  phoneCountry: string | null;
  /** Raw RFM inputs, scored later against the population's quintiles (`rfmScore`). */
  rfm: RfmInputs;
}

export const DEFAULT_REPORTING_CURRENCY = 'USD';

/**
 * Whole days from `from` to `now`, rounded down; null without `from` (or for an invalid
 * date). A `from` after `now` (clock skew between systems) counts as 0 days, not negative.
 */
function daysSince(from: Date | null, now: Date): number | null {
  if (from === null) return null;
  const days = Math.floor((now.getTime() - from.getTime()) / DAY_MS);
  return Number.isFinite(days) ? Math.max(0, days) : null;
}

const latest = (a: Date | null, b: Date | null): Date | null =>
  a === null ? b : b === null ? a : a.getTime() >= b.getTime() ? a : b;

/**
 * A non-geographic number (+800 …) or one whose region the metadata cannot tell has no
 * country. The full metadata is used, as the identifier normaliser does, because it tells
 * +1 numbers apart by area code (US, CA and the Caribbean).
 */
function phoneCountry(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/** Computes a profile's traits. Pure: the same input always gives the same traits. */
export function computeTraits(input: EnrichmentInput): ComputedTraits {
  const { identifiers, orders, activity, now } = input;
  const currency = (input.currency ?? DEFAULT_REPORTING_CURRENCY).toUpperCase();

  // Codes are upper-cased so that 'usd' and 'USD' totals meet; the store should not hold two
  // rows for one currency, but if it does they are added rather than one silently winning.
  const byCurrency = new Map<string, { count: number; amount: number }>();
  for (const t of orders.totals) {
    const code = t.currency.toUpperCase();
    const sum = byCurrency.get(code) ?? { count: 0, amount: 0 };
    byCurrency.set(code, { count: sum.count + t.count, amount: sum.amount + t.amount });
  }
  const reporting = byCurrency.get(currency) ?? { count: 0, amount: 0 };
  const daysSinceLastOrder = daysSince(orders.lastOrderAt, now);

  const email = identifiers.find((i) => i.kind === 'EMAIL');
  const phone = identifiers.find((i) => i.kind === 'PHONE');

  return {
    orderCount: orders.count,
    lifetimeValue: reporting.amount,
    // fromEntries defines own properties, so no currency code can reach the prototype.
    lifetimeValueByCurrency: Object.fromEntries(
      [...byCurrency].map(([code, sum]) => [code, sum.amount]),
    ),
    // Not rounded: rounding to the currency's minor unit is for whoever displays it.
    averageOrderValue: reporting.count > 0 ? reporting.amount / reporting.count : null,
    firstOrderAt: orders.firstOrderAt,
    lastOrderAt: orders.lastOrderAt,
    daysSinceLastOrder,
    daysSinceLastActivity: daysSince(latest(activity.lastSeenAt, orders.lastOrderAt), now),
    engagementScore: engagementScore(activity.recent, now),
    eventMix: eventMix(activity.recent, now),
    emailDomainKind: email === undefined ? null : emailDomainKind(email.value),
    phoneCountry: phone === undefined ? null : phoneCountry(phone.value),
    rfm: {
      recencyDays: daysSinceLastOrder,
      frequency: orders.count,
      monetary: reporting.amount,
    },
  };
}
