import { formatLocalTime, localDateTime } from '@kairos/triggers';
import type { CompiledAction, CompiledCap } from '../../catalog/action-catalog';
import type { DecisionChannel } from '../../catalog/action-catalog.schema';
import { hint, iso } from '../counterfactual-hints';
import type { DecisionContext } from '../decision-context';
import type { ContactRecord } from '../decision-ports';
import { StageVerdict, VerdictBuilder } from './stage-verdict';

/**
 * Contact policy: frequency caps per channel (or over all outbound channels) and per action over sliding windows,
 * a cool-down after the customer declined the action, quiet hours in the customer's time zone, and channel
 * capacity (circuit breakers). Counterfactuals say when the action would be allowed again. An outbound action that
 * only fails quiet hours is deferred, not suppressed: it passes with the end of the quiet window as its not-before
 * time (the outbox holds it until then), unless it would expire first.
 */
export function checkContactPolicy(action: CompiledAction, channel: DecisionChannel, context: DecisionContext): StageVerdict {
  const verdict = new VerdictBuilder();
  const contacts = context.inputs.contacts ?? [];
  const catalog = context.catalog;
  const policy = catalog.channels.get(channel);
  const allowedOn = `${action.id} allowed on ${channel}`;
  const outbound = (c: DecisionChannel) => catalog.channels.get(c)?.direction === 'outbound';
  for (const cap of catalog.channelCaps) {
    if (cap.channel === '*' ? !outbound(channel) : cap.channel !== channel) continue;
    const counted = (c: ContactRecord) => c.kind === 'contact' && (cap.channel === '*' ? outbound(c.channel) : c.channel === channel);
    capCheck(verdict, `frequency_cap:${cap.channel}:${cap.text}`, cap, contacts, counted, context.nowMs, allowedOn);
  }
  for (const cap of action.caps) {
    capCheck(verdict, `frequency_cap:action:${cap.text}`, cap, contacts, (c) => c.kind === 'contact' && c.actionId === action.id, context.nowMs, allowedOn);
  }
  let lastDecline = Number.NEGATIVE_INFINITY;
  for (const c of contacts) if (c.kind === 'declined' && c.actionId === action.id && c.atMs <= context.nowMs && c.atMs > lastDecline) lastDecline = c.atMs;
  if (context.nowMs - lastDecline < action.declineCooldownMs) {
    verdict.fail('decline_cooldown', hint(`declined:${action.id}`, iso(lastDecline), iso(lastDecline + action.declineCooldownMs), allowedOn));
  }
  if (policy?.quietHours && policy.direction === 'outbound') {
    const minute = context.localTime().minuteOfDay;
    const from = toMinute(policy.quietHours.from);
    const to = toMinute(policy.quietHours.to);
    const quiet = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    if (quiet) quietHours(verdict, action, channel, context, { minute, to, text: policy.quietHours.to, allowedOn });
  }
  if (!context.hasCapacity(channel)) verdict.fail(`capacity:${channel}`, hint(`capacity:${channel}`, 'saturated', 'available', allowedOn));
  return verdict.build();
}

/** A cap is hit when `max` contacts already fall in the window; it frees when the oldest of the newest `max` ages out. */
function capCheck(
  verdict: VerdictBuilder,
  reason: string,
  cap: CompiledCap,
  contacts: readonly ContactRecord[],
  counted: (c: ContactRecord) => boolean,
  nowMs: number,
  allowedOn: string,
): void {
  const since = nowMs - cap.withinMs;
  const times: number[] = [];
  for (const c of contacts) if (c.atMs > since && c.atMs <= nowMs && counted(c)) times.push(c.atMs);
  if (times.length < cap.max) return;
  times.sort((a, b) => b - a);
  // A cap of 0 never frees.
  const freesAt = cap.max === 0 ? null : iso(times[cap.max - 1] + cap.withinMs);
  verdict.fail(reason, hint(reason, times.length, freesAt, allowedOn));
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/**
 * Quiet hours: defer to the end of the window when the action is still valid then (its trigger fire, its campaign),
 * else suppress. Inbound channels never get here: quiet hours are refused for them when the catalog is loaded.
 */
function quietHours(
  verdict: VerdictBuilder,
  action: CompiledAction,
  channel: DecisionChannel,
  context: DecisionContext,
  window: { readonly minute: number; readonly to: number; readonly text: string; readonly allowedOn: string },
): void {
  const reason = `quiet_hours:${channel}`;
  const counterfactual = hint('local_time', formatLocalTime(window.minute), window.text, window.allowedOn);
  const untilMs = quietWindowEndMs(context, window.minute, window.to);
  if (untilMs <= validUntilMs(action, context)) verdict.defer({ untilMs, reason, counterfactual });
  else verdict.fail(reason, counterfactual);
}

/**
 * The instant the customer's clock reaches `to` next. Zone offsets are whole minutes, so local minutes start on UTC
 * minutes; a daylight-saving change inside the window moves the wall clock, which the second look corrects.
 */
export function quietWindowEndMs(context: DecisionContext, minute: number, to: number): number {
  const zone = context.inputs.timeZone ?? context.catalog.defaultTimeZone;
  const minuteStart = context.nowMs - (((context.nowMs % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
  const guess = minuteStart + ((to - minute + DAY_MINUTES) % DAY_MINUTES) * MINUTE_MS;
  let shift = (to - localDateTime(guess, zone).minuteOfDay + DAY_MINUTES) % DAY_MINUTES;
  if (shift > DAY_MINUTES / 2) shift -= DAY_MINUTES;
  return guess + shift * MINUTE_MS;
}

/** Until when the action makes sense: the latest valid fire of its triggers, and its campaign's end. */
function validUntilMs(action: CompiledAction, context: DecisionContext): number {
  let until = action.campaign?.endsAtMs ?? Number.POSITIVE_INFINITY;
  const triggers = action.definition.applicability.triggers;
  if (triggers) {
    let fire = Number.NEGATIVE_INFINITY;
    for (const t of context.triggers) if (triggers.includes(t.triggerId) && t.validUntilMs > fire) fire = t.validUntilMs;
    until = Math.min(until, fire);
  }
  return until;
}

function toMinute(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return hours * 60 + minutes;
}
