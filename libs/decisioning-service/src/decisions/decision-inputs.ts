import type { AuditConsentSnapshot } from '@kairos/audit';
import { auditConsentSnapshot, emptyConsentState, may, type ConsentPolicy, type ConsentState } from '@kairos/consent';
import type { ActionCatalog, ConsentPort, DecisionChannel, DecisionInputs, DecisionRequest } from '@kairos/decisioning';
import { profileFeatureSource } from '@kairos/decisioning';
import { consentState, profileAttributes, profileOf, type PartitionProfileStore } from '@kairos/profile';
import type { DecisionServiceOptions } from './decision-service-ports';

/** How far back contact history is read: longer than every cap window, cool-down and campaign exclusion in the catalog. */
const CONTACT_LOOKBACK_MS = 90 * 24 * 60 * 60 * 1000;

/** The consent port of one decision: `may` of @kairos/consent over the consent state folded on the owning worker. */
export function consentPortOf(state: ConsentState, policy: ConsentPolicy, atMs: number): ConsentPort {
  let snapshot: AuditConsentSnapshot | undefined;
  return {
    may: (purpose, channel) => may(state, purpose, channel, atMs, policy).allowed,
    objectsTo: (scope) => state.objections[scope] !== null,
    snapshot: () => (snapshot ??= auditConsentSnapshot(state)),
  };
}

/**
 * Every content reference a decision on these channels may ask about: the refs of the actions serving them and the
 * variants of their campaigns. Cached per channel set and action restriction; the catalog does not change at runtime.
 */
export class ContentRefs {
  private readonly cache = new Map<string, readonly string[]>();

  constructor(private readonly catalog: ActionCatalog) {}

  of(channels: readonly DecisionChannel[], actions: readonly string[] | undefined): readonly string[] {
    const key = `${channels.join(',')}|${actions?.join(',') ?? '*'}`;
    let refs = this.cache.get(key);
    if (refs === undefined) {
      const restrict = actions ? new Set(actions) : null;
      const out = new Set<string>();
      for (const action of this.catalog.actions) {
        if ((restrict && !restrict.has(action.id)) || !channels.some((c) => action.channels.has(c))) continue;
        const content = action.definition.content;
        if ('ref' in content) out.add(content.ref);
        for (const variant of action.campaign?.definition.variants ?? []) out.add(variant.contentRef);
      }
      refs = [...out];
      if (this.cache.size < 1_000) this.cache.set(key, refs);
    }
    return refs;
  }
}

/**
 * The inputs of one decision, read from the partition store the owning worker keeps current, plus the optional
 * sources. Synchronous after `approved` (content) was fetched: the pipeline itself never waits.
 */
export function decisionInputsOf(
  options: DecisionServiceOptions,
  store: PartitionProfileStore,
  request: DecisionRequest,
  approved: ReadonlyMap<string, string | null>,
): DecisionInputs {
  const { customerId, nowMs } = request;
  const profile = profileOf(store, customerId);
  const consent = profile ? consentState(profile) : emptyConsentState();
  const external = options.externalFeatures;
  const features = profileFeatureSource(options.registry, profile, nowMs, external ? (name) => external.featureOf(customerId, name) : undefined);
  // Scores need the profiling purpose (no channel): after an Art. 21 objection none is computed at all (G2).
  const allowed = (purpose: string) => may(consent, purpose, null, nowMs, options.consentPolicy).allowed;
  return {
    features,
    stateOffset: store.lastAppliedOffset,
    timeZone: profile ? profileAttributes(profile).timeZone : null,
    consent: consentPortOf(consent, options.consentPolicy, nowMs),
    ...(options.scores ? { scores: options.scores.scoresFor(customerId, features, nowMs, allowed) } : {}),
    ...(options.triggers ? { triggers: options.triggers.recentFires(store.partition, customerId, nowMs) } : {}),
    ...(options.contacts ? { contacts: options.contacts.contactsOf(customerId, nowMs - CONTACT_LOOKBACK_MS) } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    content: (ref) => approved.get(ref) ?? null,
    ...(options.campaigns ? { campaigns: (campaignId: string) => options.campaigns?.stateOf(campaignId) } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
  };
}
