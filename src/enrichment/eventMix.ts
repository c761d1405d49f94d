import { DAY_MS, type RecentEvent } from './engagement';

/** Events of the last 90 days by the shopping step they are (clustering's event mix). */
export interface EventMix {
  /** Page and screen views, and product views, lists, searches and clicks. */
  views: number;
  /** Products added to or removed from a cart, carts viewed. */
  carts: number;
  /** Checkouts started or advanced, payment entered, orders completed. */
  checkouts: number;
  /** Every other event (identify, custom track events). */
  other: number;
}

/**
 * The steps of Segment's e-commerce spec, which the SDKs and most shops send. A shop with
 * its own names still gets its pages and screens counted as views; its other events count
 * as `other`, so a mix is never silently empty.
 */
const STEP_OF_EVENT: Record<string, 'views' | 'carts' | 'checkouts'> = {
  'Products Searched': 'views',
  'Product List Viewed': 'views',
  'Product List Filtered': 'views',
  'Product Clicked': 'views',
  'Product Viewed': 'views',
  'Product Added': 'carts',
  'Product Removed': 'carts',
  'Cart Viewed': 'carts',
  'Checkout Started': 'checkouts',
  'Checkout Step Viewed': 'checkouts',
  'Checkout Step Completed': 'checkouts',
  'Payment Info Entered': 'checkouts',
  'Order Completed': 'checkouts',
};

export const EVENT_MIX_DAYS = 90;

/** Counts the events of the last `EVENT_MIX_DAYS` days by step. */
export function eventMix(recent: readonly RecentEvent[], now: Date): EventMix {
  const mix: EventMix = { views: 0, carts: 0, checkouts: 0, other: 0 };
  const nowMs = now.getTime();
  for (const e of recent) {
    const age = nowMs - e.timestamp.getTime();
    // Written so that NaN (an invalid date) fails the comparison.
    if (!(age >= 0 && age <= EVENT_MIX_DAYS * DAY_MS)) continue;
    if (e.type === 'page' || e.type === 'screen') mix.views++;
    else if (e.type === 'track' && e.event !== null && STEP_OF_EVENT[e.event] !== undefined)
      mix[STEP_OF_EVENT[e.event]!]++;
    else mix.other++;
  }
  return mix;
}
