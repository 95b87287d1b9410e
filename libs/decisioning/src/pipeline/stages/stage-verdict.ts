import type { AuditCounterfactual } from '@kairos/audit';

/** What a stage says about a candidate: no reasons means it passes. */
export interface StageVerdict {
  readonly reasons: readonly string[];
  readonly counterfactuals: readonly AuditCounterfactual[];
}

export const PASS: StageVerdict = Object.freeze({ reasons: Object.freeze([]) as readonly string[], counterfactuals: Object.freeze([]) as readonly AuditCounterfactual[] });

/** Collects the reasons of one stage; hands out PASS when there are none, so passing allocates nothing. */
export class VerdictBuilder {
  private reasons: string[] | null = null;
  private counterfactuals: AuditCounterfactual[] = [];

  fail(reason: string, counterfactual: AuditCounterfactual): void {
    (this.reasons ??= []).push(reason);
    this.counterfactuals.push(counterfactual);
  }

  build(): StageVerdict {
    return this.reasons === null ? PASS : { reasons: this.reasons, counterfactuals: this.counterfactuals };
  }
}
