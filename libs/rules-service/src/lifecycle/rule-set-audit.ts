import { createHash } from 'node:crypto';
import type { AuditRecordDraft } from '@kairos/audit';
import type { Principal } from '@kairos/access';
import type { RuleSetVersionRecord } from '@kairos/persistence';
import type { RuleSetTransition } from '../rule-set/rule-set-status';

export function dmnDigest(dmnXml: string): string {
  return `sha256:${createHash('sha256').update(dmnXml).digest('hex')}`;
}

/**
 * The audit record of one lifecycle step. Every step is recorded with the digest of the exact DMN XML, so the
 * version that decided can be proven later. The trail has one kind for rule sets (`ruleset_deployed`); the step
 * is in `reasons` and `output.transition`.
 */
export function ruleSetAuditRecord(
  transition: RuleSetTransition,
  row: RuleSetVersionRecord,
  actor: Principal,
  atMs: number,
  details: { readonly reason?: string | null; readonly status: string; readonly previousVersion?: number | null; readonly testCases?: number; readonly findings?: { errors: number; warnings: number } },
): AuditRecordDraft {
  return {
    kind: 'ruleset_deployed',
    actor: { type: 'principal', principalId: actor.id, role: actor.role },
    logic: { rules: [{ ruleSetId: row.ruleSetId, version: String(row.version), tableId: row.ruleSetId, rowIds: [] }] },
    output: {
      ruleSetId: row.ruleSetId,
      version: row.version,
      transition,
      status: details.status,
      dmnDigest: dmnDigest(row.dmnXml),
      authorId: row.authorId,
      submittedBy: row.submittedBy,
      approvedBy: row.approvedBy,
      ...(details.previousVersion !== undefined ? { previousVersion: details.previousVersion } : {}),
      ...(details.testCases !== undefined ? { testCasesPassed: details.testCases } : {}),
      ...(details.findings ? { findings: details.findings } : {}),
      reason: details.reason ?? null,
    },
    reasons: [`ruleset_${transition}`, ...(transition === 'approved' ? ['four_eyes_checked'] : [])],
    occurredAtMs: atMs,
  };
}
