import type { CustomerRuntime } from './customer-runtime';
import { CustomerDay, OFFICE_HOURS, sampleInstant } from './daily-rhythm';

type ComplaintCategory = 'fees' | 'service' | 'product' | 'fraud' | 'other';

const USUAL_COMPLAINTS: readonly ComplaintCategory[] = ['fees', 'fees', 'service', 'service', 'service', 'product', 'product', 'fraud', 'other', 'other'];
const LEAVING_COMPLAINTS: readonly ComplaintCategory[] = ['fees', 'fees', 'fees', 'fees', 'service', 'service', 'service', 'product', 'product', 'other'];
const COMPLAINT_CHANNELS = ['call_center', 'email', 'branch', 'web'] as const;
/** Customers on their way out complain more and more often: up to this many times their usual rate at the end. */
const LEAVING_COMPLAINT_FACTOR = 12;

/** Hotline calls and complaints; most calls are routine, complaints concentrate before a customer leaves. */
export function simulateServiceContacts(rt: CustomerRuntime, day: CustomerDay): void {
  const plan = rt.plan;
  const calls = rt.rng.poisson(plan.serviceCallsPerDay * (day.declining ? 2 : 1) * Math.sqrt(day.activity));
  for (let i = 0; i < calls; i++) {
    const at = sampleInstant(rt, day, OFFICE_HOURS);
    if (at < 0) continue;
    const ivr = rt.rng.chance(0.3);
    rt.emit(at, 'call_started', ivr ? 'ivr' : 'call-center', { channel: ivr ? 'ivr' : 'call_center' });
  }
  const complaints = rt.rng.poisson(plan.complaintsPerDay * (day.declining ? 2 + (LEAVING_COMPLAINT_FACTOR - 2) * day.leaving : 1));
  for (let i = 0; i < complaints; i++) {
    const at = sampleInstant(rt, day, OFFICE_HOURS);
    if (at < 0) continue;
    const category = rt.rng.pick(day.declining ? LEAVING_COMPLAINTS : USUAL_COMPLAINTS);
    const channel = rt.rng.pick(COMPLAINT_CHANNELS);
    if (channel === 'call_center') rt.emit(Math.max(day.fromMs, at - 120_000 - rt.rng.int(300_000)), 'call_started', 'call-center', { channel: 'call_center' });
    rt.emit(at, 'complaint_filed', 'crm', { category, channel });
  }
}
