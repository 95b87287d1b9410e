import { CONSENT_PURPOSES, type ConsentPurpose } from '@kairos/contracts';
import { may, type ConsentPolicy } from '@kairos/consent';
import { profileFeatureSource, type ActionCatalog, type ActiveAuthoredCampaign } from '@kairos/decisioning';
import { consentState, profileOf, type FeatureRegistry, type PartitionProfileStore } from '@kairos/profile';
import type { ContactHistory, ScoreSource } from '../../decision-sources';
import { segmentHolds, segmentReadsScores } from './campaign-segment';

export interface CampaignAudienceOptions {
  readonly registry: FeatureRegistry;
  /** The governance purpose policy `may(...)` answers with. */
  readonly consentPolicy: ConsentPolicy;
  /** The served catalog: the consent channel of each channel. */
  readonly catalog: Pick<ActionCatalog, 'channels'>;
  /** Production model scores, for segments over `scores.*`; absent: such segments read no score. */
  readonly scores?: ScoreSource;
  /** Past contacts (the outbox's), for "in another campaign within N days"; absent: not checked here. */
  readonly contacts?: ContactHistory;
}

/** `member`: in the segment, to be decided for. `outside`: not in it (no record). `excluded`: in it, but not to be contacted. */
export type AudienceVerdict = { readonly kind: 'member' } | { readonly kind: 'outside' } | { readonly kind: 'excluded'; readonly reason: string };

const MEMBER: AudienceVerdict = { kind: 'member' };
const OUTSIDE: AudienceVerdict = { kind: 'outside' };
const CONSENT_PURPOSE_SET: ReadonlySet<string> = new Set(CONSENT_PURPOSES);

/**
 * Who of a partition's customers an outbound campaign goes to, read from the profiles the worker folded: the dynamic
 * segment (features, and scores only where consent allows the model's purpose, G2), then the exclusions that need no
 * decision — an objection to profiling when the segment reads scores (Art. 21; the customer is excluded with that
 * reason instead of silently falling out of the segment), an objection to direct marketing, no opt-in for the
 * campaign's purposes on its channel, a contact by another campaign within the campaign's exclusion window. They are
 * checked before an audience slot is claimed, so the cap is spent on customers who can be reached; the decision
 * checks them again with contact policy and capacity. Reason codes are the decision pipeline's.
 */
export class CampaignAudience {
  constructor(private readonly options: CampaignAudienceOptions) {}

  verdict(store: PartitionProfileStore, customerId: string, campaign: ActiveAuthoredCampaign, nowMs: number): AudienceVerdict {
    const profile = profileOf(store, customerId);
    if (!profile) return OUTSIDE;
    const { compiled, definition, action } = campaign;
    const consent = consentState(profile);
    const readsScores = segmentReadsScores(compiled.segment);
    if (compiled.segment) {
      if (readsScores && consent.objections.profiling !== null) return { kind: 'excluded', reason: 'objection:profiling' };
      const features = profileFeatureSource(this.options.registry, profile, nowMs);
      const allowed = (purpose: string) => may(consent, purpose, null, nowMs, this.options.consentPolicy).allowed;
      const computed = readsScores ? (this.options.scores?.scoresFor(customerId, features, nowMs, allowed) ?? {}) : {};
      const scores = Object.fromEntries(Object.entries(computed).map(([model, score]) => [model, score.score]));
      if (!segmentHolds(compiled.segment, features, scores, definition.channel)) return OUTSIDE;
    }
    if (action.definition.purposes.includes('marketing') && consent.objections.direct_marketing !== null) return { kind: 'excluded', reason: 'objection:direct_marketing' };
    const consentChannel = this.options.catalog.channels.get(definition.channel)?.consentChannel ?? null;
    for (const purpose of action.definition.purposes) {
      if (CONSENT_PURPOSE_SET.has(purpose) && !may(consent, purpose as ConsentPurpose, consentChannel, nowMs, this.options.consentPolicy).allowed) {
        return { kind: 'excluded', reason: `consent_missing:${purpose}:${consentChannel ?? 'any'}` };
      }
    }
    if (compiled.excludeWithinMs !== null && this.options.contacts) {
      const since = nowMs - compiled.excludeWithinMs;
      const other = this.options.contacts.contactsOf(customerId, since).find((c) => c.kind === 'contact' && c.campaignId !== undefined && c.campaignId !== compiled.id && c.atMs >= since);
      if (other) return { kind: 'excluded', reason: `campaign_exclusion:${other.campaignId}` };
    }
    return MEMBER;
  }
}
