import { z } from 'zod';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longer than any window a bank trigger or contact rule needs, short enough that a typo (`3000d`) is caught. */
const MAX_DURATION_MS = 400 * UNIT_MS.d;

/** `45s`, `10m`, `24h`, `30d` → milliseconds; a reason string when the text is not such a duration. */
export function parseDuration(text: string): number | string {
  const match = /^([0-9]{1,6})([smhd])$/.exec(text);
  if (!match) return 'must be a count and unit such as 45s, 10m, 24h or 30d';
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return ms > MAX_DURATION_MS ? 'must be at most 400d' : ms;
}

/** A duration as written in definitions (kept as text so definitions round-trip unchanged). */
export const durationSchema = z.string().check((ctx) => {
  const parsed = parseDuration(ctx.value);
  if (typeof parsed === 'string') ctx.issues.push({ code: 'custom', message: parsed, input: ctx.value });
});

/** For values already validated by `durationSchema`. */
export function durationMs(text: string): number {
  const parsed = parseDuration(text);
  if (typeof parsed === 'string') throw new RangeError(`not a duration: ${text}`);
  return parsed;
}
