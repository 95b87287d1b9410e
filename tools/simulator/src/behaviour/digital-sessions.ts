import { HOUR_MS } from '../time/simulated-time';
import type { CustomerRuntime } from './customer-runtime';
import { CustomerDay, ONLINE_HOURS, sampleInstant } from './daily-rhythm';

const EVERYDAY_PAGES = [
  '/',
  '/accounts',
  '/accounts/transactions',
  '/accounts/transactions',
  '/cards',
  '/transfers/new',
  '/transfers/new',
  '/statements',
  '/settings/profile',
  '/settings/notifications',
  '/help',
  '/offers',
] as const;
const LEAVING_PAGES = ['/help/fees', '/help/account-switch', '/account/close', '/settings/fees'] as const;
const INTENT_PAGE_SHARE = 0.6;
/** Someone weighing a product logs in more often to read about it. */
const INTENT_SESSION_FACTOR = 1.6;
/** Share of a leaver's page views on fee, switching and closing pages, growing from the first to the last day. */
const LEAVING_PAGE_SHARE_FIRST = 0.04;
const LEAVING_PAGE_SHARE_LAST = 0.25;

/** Logins to web or app, each followed by a few page views; pages reveal product interest and intent to leave. */
export function simulateDigitalSessions(rt: CustomerRuntime, day: CustomerDay): void {
  const plan = rt.plan;
  const weekdayFactor = day.weekday === 0 || day.weekday === 6 ? 0.8 : 1;
  const researching = hasIntentOn(rt, day.dayMs + 12 * HOUR_MS) ? INTENT_SESSION_FACTOR : 1;
  const count = rt.rng.poisson(plan.loginsPerDay * day.activity * weekdayFactor * researching);
  for (let i = 0; i < count; i++) {
    let at = sampleInstant(rt, day, ONLINE_HOURS);
    if (at < 0) continue;
    const app = rt.rng.chance(plan.appShare);
    const channel = app ? 'app' : 'web';
    const source = app ? 'mobile-app' : 'online-banking';
    const deviceId = app ? plan.deviceIds[0] : plan.deviceIds[1];
    rt.emit(at, 'login', source, deviceId === undefined ? { channel } : { channel, deviceId });
    const views = 1 + rt.rng.poisson(plan.pageViewsPerLogin - 1);
    for (let v = 0; v < views; v++) {
      at += 5_000 + rt.rng.int(85_000);
      if (at >= day.untilMs) break;
      rt.emit(at, 'page_view', source, { channel, page: pageFor(rt, day, at) });
    }
  }
}

function hasIntentOn(rt: CustomerRuntime, at: number): boolean {
  for (const intent of rt.intents) if (at >= intent.fromMs && at < intent.toMs) return true;
  return false;
}

function pageFor(rt: CustomerRuntime, day: CustomerDay, at: number): string {
  for (const intent of rt.intents) {
    if (at >= intent.fromMs && at < intent.toMs && rt.rng.chance(INTENT_PAGE_SHARE)) return intent.page;
  }
  if (day.declining && rt.rng.chance(LEAVING_PAGE_SHARE_FIRST + (LEAVING_PAGE_SHARE_LAST - LEAVING_PAGE_SHARE_FIRST) * day.leaving)) return rt.rng.pick(LEAVING_PAGES);
  return rt.rng.pick(EVERYDAY_PAGES);
}
