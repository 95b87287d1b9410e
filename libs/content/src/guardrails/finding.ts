import type { ContentChannel, FindingSeverity, VariantKey } from '../vocabulary/content-vocabulary';

/**
 * One thing a reviewer must see. Messages never quote the text (it may hold personal data); `offset`/`length`
 * point into the field's normalized text so a review screen can highlight the spot.
 */
export interface Finding {
  readonly ruleId: string;
  readonly severity: FindingSeverity;
  readonly message: string;
  /** `brief` findings concern the brief a draft was made from; `content` ones a variant's text. */
  readonly scope: 'content' | 'brief';
  readonly channel?: ContentChannel;
  readonly variantKey?: VariantKey;
  readonly field?: string;
  readonly offset?: number;
  readonly length?: number;
}

export function hasBlocking(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'blocking');
}

export function countBySeverity(findings: readonly Finding[]): { blocking: number; warning: number; info: number } {
  const counts = { blocking: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
