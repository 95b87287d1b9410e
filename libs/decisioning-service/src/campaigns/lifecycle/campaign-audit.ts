import { createHash } from 'node:crypto';
import type { Principal } from '@kairos/access';
import type { AuditRecordDraft } from '@kairos/audit';
import type { CampaignVersionRecord } from '@kairos/persistence';

export type CampaignTransition = 'created' | 'edited' | 'submitted' | 'approved' | 'retired';

/**
 * The `campaign_changed` record of one lifecycle step: who, which version (with the digest of its exact definition,
 * so the version that contacted customers can be proven later), the step and why. No customer data.
 */
export function campaignAuditRecord(transition: CampaignTransition, row: CampaignVersionRecord, actor: Principal, atMs: number, reason: string | null): AuditRecordDraft {
  return {
    kind: 'campaign_changed',
    actor: { type: 'principal', principalId: actor.id, role: actor.role },
    output: {
      campaignId: row.campaignId,
      version: row.version,
      transition,
      status: row.status,
      definitionDigest: `sha256:${createHash('sha256').update(row.definition).digest('hex')}`,
      authorId: row.authorId,
      lastEditorId: row.lastEditorId,
      submittedBy: row.submittedBy,
      approvedBy: row.approvedBy,
      reason,
    },
    reasons: [`campaign_${transition}`, ...(transition === 'approved' ? ['four_eyes_checked'] : [])],
    occurredAtMs: atMs,
  };
}
