import type { AuditCounterfactual } from '@kairos/audit';

/** "Had `feature` been `threshold` instead of `actual`, the result would have been `wouldResultIn`." */
export function hint(feature: string, actual: AuditCounterfactual['actual'], threshold: AuditCounterfactual['threshold'], wouldResultIn: string): AuditCounterfactual {
  return { feature, actual, threshold, wouldResultIn };
}

/** Rounds a threshold up in the 4th significant place, so "≥ threshold" really is enough. */
export function roundUp(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const scale = 10 ** (3 - Math.floor(Math.log10(Math.abs(value))));
  return Math.ceil(value * scale) / scale;
}

export function roundDown(value: number): number {
  return -roundUp(-value);
}

export function iso(atMs: number): string {
  return new Date(atMs).toISOString();
}
