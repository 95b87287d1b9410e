import { createHash } from 'node:crypto';
import type { Principal } from '@kairos/access';
import type { AuditRecordDraft } from '@kairos/audit';
import type { TriggerSetVersionRecord } from '@kairos/persistence';
import type { TriggerSetTransition } from './trigger-set-status';

/**
 * The `trigger_set_changed` record of one lifecycle step: who, which version (with the digest of its exact document,
 * so the triggers that fired can be proven later), the step and why. No customer data.
 */
export function triggerSetAuditRecord(
  transition: TriggerSetTransition,
  row: TriggerSetVersionRecord,
  actor: Principal,
  atMs: number,
  details: { readonly reason: string | null; readonly previousVersion?: number | null },
): AuditRecordDraft {
  const document = JSON.parse(row.document) as { version?: unknown; triggers?: { id?: unknown }[] };
  const reasons = [`trigger_set_${transition}`];
  if (transition === 'approved') reasons.push('four_eyes_checked');
  return {
    kind: 'trigger_set_changed',
    actor: { type: 'principal', role: actor.role, principalId: actor.id },
    output: {
      transition,
      version: row.version,
      status: row.status,
      document: {
        version: String(document.version ?? ''),
        digest: `sha256:${createHash('sha256').update(row.document).digest('hex')}`,
        triggerIds: (document.triggers ?? []).map((trigger) => String(trigger.id)),
      },
      people: { author: row.authorId, lastEditor: row.lastEditorId, submitter: row.submittedBy, approver: row.approvedBy, deployer: row.deployedBy },
      previousVersion: details.previousVersion ?? null,
      reason: details.reason,
    },
    reasons,
    occurredAtMs: atMs,
  };
}
