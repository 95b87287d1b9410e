import type { AuditConsentSnapshot } from '@kairos/audit';
import { auditConsentSnapshot, emptyConsentState, may, type ConsentPolicy, type ConsentState } from '@kairos/consent';
import type { ActionCatalog, ConsentPort, DecisionChannel, DecisionInputs, DecisionRequest, FeatureSource } from '@kairos/decisioning';
import { profileFeatureSource } from '@kairos/decisioning';
import { consentState, profileAttributes, profileOf, type PartitionProfileStore } from '@kairos/profile';
import { isPreparingScoreSource, type DecisionServiceOptions } from './decision-service-ports';
import { profileRevisionOf } from './profile-revision';

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
 * variants of their campaigns. Cached per channel set and action restriction, until the catalog's actions change.
 */
export class ContentRefs {
  private readonly cache = new Map<string, readonly string[]>();
  /** The action list the cache was built from: a live catalog swaps it when authored campaigns change. */
  private cachedFor: ActionCatalog['actions'] | null = null;

  constructor(private readonly catalog: ActionCatalog) {}

  of(channels: readonly DecisionChannel[], actions: readonly string[] | undefined): readonly string[] {
    if (this.cachedFor !== this.catalog.actions) {
      this.cache.clear();
      this.cachedFor = this.catalog.actions;
    }
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

/** What a decision knows about its customer before any port is asked: profile, consent and features. */
export interface CustomerView {
  readonly profile: ReturnType<typeof profileOf>;
  readonly consent: ConsentState;
  readonly features: FeatureSource;
  /** Whether scores of a purpose may be computed: the profiling purpose (no channel); none after an Art. 21 objection (G2). */
  readonly allowed: (purpose: string) => boolean;
}

export function customerViewOf(options: DecisionServiceOptions, store: PartitionProfileStore, request: Pick<DecisionRequest, 'customerId' | 'nowMs'>): CustomerView {
  const { customerId, nowMs } = request;
  const profile = profileOf(store, customerId);
  const consent = profile ? consentState(profile) : emptyConsentState();
  const external = options.externalFeatures;
  const features = profileFeatureSource(options.registry, profile, nowMs, external ? (name) => external.featureOf(customerId, name) : undefined);
  const allowed = (purpose: string) => may(consent, purpose, null, nowMs, options.consentPolicy).allowed;
  return { profile, consent, features, allowed };
}

/**
 * Scores the models that cannot score inside the synchronous pipeline (ONNX) ahead of the decision; null when the
 * score source has none live (nothing to await).
 */
export function prepareScores(options: DecisionServiceOptions, store: PartitionProfileStore | undefined, request: DecisionRequest): Promise<unknown> | null {
  const source = options.scores;
  if (!source || !store || !isPreparingScoreSource(source)) return null;
  // The view (profile lookup, consent fold, feature source) is built only if a model asks: with synchronous models
  // only, nothing is prepared and the decision builds its view once, after the await.
  let view: CustomerView | undefined;
  const viewNow = () => (view ??= customerViewOf(options, store, request));
  const revisionOf = () => {
    const profile = viewNow().profile;
    return profileRevisionOf(profile ? profileAttributes(profile) : null);
  };
  return source.prepare(request.customerId, (name) => viewNow().features(name), request.nowMs, (purpose) => viewNow().allowed(purpose), undefined, revisionOf);
}

/**
 * The inputs of one decision, read from the partition store the owning worker keeps current, plus the optional
 * sources. Synchronous after `approved` (content) and the prepared scores were fetched: the pipeline never waits.
 */
export function decisionInputsOf(
  options: DecisionServiceOptions,
  store: PartitionProfileStore,
  request: DecisionRequest,
  approved: ReadonlyMap<string, string | null>,
  preparedScores: unknown = null,
): DecisionInputs {
  const { customerId, nowMs } = request;
  const { profile, consent, features, allowed } = customerViewOf(options, store, request);
  const attributes = profile ? profileAttributes(profile) : null;
  const scores = options.scores;
  return {
    features,
    stateOffset: store.lastAppliedOffset,
    timeZone: attributes?.timeZone ?? null,
    consent: consentPortOf(consent, options.consentPolicy, nowMs),
    ...(scores
      ? {
          scores: isPreparingScoreSource(scores)
            ? scores.scoresFor(customerId, features, nowMs, allowed, undefined, preparedScores, profileRevisionOf(attributes))
            : scores.scoresFor(customerId, features, nowMs, allowed),
        }
      : {}),
    ...(options.triggers ? { triggers: options.triggers.recentFires(store.partition, customerId, nowMs) } : {}),
    ...(options.contacts ? { contacts: options.contacts.contactsOf(customerId, nowMs - CONTACT_LOOKBACK_MS) } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    content: (ref) => approved.get(ref) ?? null,
    ...(options.campaigns ? { campaigns: (campaignId: string) => options.campaigns?.stateOf(campaignId) } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
  };
}
