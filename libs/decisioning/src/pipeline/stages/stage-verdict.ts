import type { AuditCounterfactual } from '@kairos/audit';

/** What a stage says about a candidate: no reasons means it passes. */
export interface StageVerdict {
  readonly reasons: readonly string[];
  readonly counterfactuals: readonly AuditCounterfactual[];
  /** Passes, but may only go out later (quiet hours of an outbound channel): the outbox holds it until then. */
  readonly deferral?: Deferral;
}

/** Why and until when a passing action waits; `reason` and `counterfactual` are what a suppression would say. */
export interface Deferral {
  readonly untilMs: number;
  readonly reason: string;
  readonly counterfactual: AuditCounterfactual;
}

export const PASS: StageVerdict = Object.freeze({ reasons: Object.freeze([]) as readonly string[], counterfactuals: Object.freeze([]) as readonly AuditCounterfactual[] });

/** Collects the reasons of one stage; hands out PASS when there are none, so passing allocates nothing. */
export class VerdictBuilder {
  private reasons: string[] | null = null;
  private counterfactuals: AuditCounterfactual[] = [];
  private deferral: Deferral | null = null;

  fail(reason: string, counterfactual: AuditCounterfactual): void {
    (this.reasons ??= []).push(reason);
    this.counterfactuals.push(counterfactual);
  }

  defer(deferral: Deferral): void {
    this.deferral = deferral;
  }

  build(): StageVerdict {
    if (this.reasons !== null) return { reasons: this.reasons, counterfactuals: this.counterfactuals };
    return this.deferral === null ? PASS : { ...PASS, deferral: this.deferral };
  }
}
