import { KairosError } from '@kairos/contracts';
import type { ActionCatalog } from '../catalog/action-catalog';
import { decide } from './decide';
import type { DecisionOutcome, DecisionReplayRecord } from './decision-outcome';
import type { DecisionInputs } from './decision-ports';

/**
 * Recomputes a decision from its replay record (A5). The ports answer only what was recorded: a question the
 * original decision did not ask means the logic changed, and the replay fails loudly instead of guessing.
 */
export function replayDecision(catalog: ActionCatalog, record: DecisionReplayRecord): DecisionOutcome {
  if (catalog.fingerprint !== record.catalogFingerprint) {
    throw new KairosError('CONFLICT', `decision was made with catalog ${record.catalogVersion}; replay it with that catalog version`);
  }
  const features = new Map(record.features);
  const unknown = new Set(record.unknownFeatures);
  const consent = new Map(record.consent.answers);
  const objections = new Map(record.consent.objections);
  const rules = new Map(record.rules.map(([key, outcome, reads]) => [key, { outcome, reads }]));
  const content = new Map(record.content);
  const campaigns = new Map(record.campaigns);
  const capacity = new Map(record.capacity);
  const recorded = <K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V => {
    if (!map.has(key)) throw new KairosError('INTERNAL', `replay asked for ${what} ${String(key)}, which the decision did not read`);
    return map.get(key) as V;
  };
  const inputs: DecisionInputs = {
    features: (name) => (unknown.has(name) ? undefined : recorded(features, name, 'feature')),
    stateOffset: record.stateOffset,
    timeZone: record.timeZone,
    consent: {
      may: (purpose, channel) => recorded(consent, `${purpose}:${channel ?? 'any'}`, 'consent'),
      objectsTo: (scope) => recorded(objections, scope, 'objection'),
      snapshot: () => record.consent.snapshot,
    },
    scores: record.scores,
    triggers: record.triggers,
    contacts: record.contacts,
    levers: record.levers,
    rules: {
      evaluate: (ruleSet, decision, read) => {
        const { outcome, reads } = recorded(rules, `${ruleSet}/${decision}`, 'rule');
        for (const name of reads) read(name);
        return outcome;
      },
    },
    content: (ref) => recorded(content, ref, 'content'),
    campaigns: (campaignId) => recorded(campaigns, campaignId, 'campaign') ?? undefined,
    capacity: (channel) => recorded(capacity, channel, 'capacity'),
  };
  return decide(catalog, record.request, inputs);
}
