import type { ConditionExpression } from '@kairos/triggers';

/**
 * Whether a customer is in a campaign's dynamic segment: the expression over their features (`read`) and model
 * scores, with no request context, placement or trigger (a segment describes people, not a moment). The campaign
 * simulation and the send job evaluate segments through here, so both count the same customers.
 */
export function segmentHolds(segment: ConditionExpression, read: (name: string) => unknown, scores: Readonly<Record<string, number>>, channel: string | null): boolean {
  const variables: Record<string, unknown> = { context: {}, scores, placement: null, triggers: [], channel };
  for (const name of segment.names) if (!(name in variables)) variables[name] = read(name) ?? null;
  return segment.holds(variables);
}

/** Whether a segment reads model scores (then an objection to profiling excludes the customer, Art. 21). */
export function segmentReadsScores(segment: ConditionExpression | null): boolean {
  return segment !== null && segment.names.includes('scores');
}
