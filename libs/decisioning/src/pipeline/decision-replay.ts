import { KairosError } from '@kairos/contracts';
import type { ActionCatalog } from '../catalog/action-catalog';
import { decide } from './decide';
import type { DecisionOutcome, DecisionReplayRecord } from './decision-outcome';
import type { DecisionInputs, ModelScore } from './decision-ports';

/**
 * Recomputes a decision from its replay record and the model scores its audit record lists (`logic.models`) (A5).
 * The ports answer only what was recorded: a question the original decision did not ask means the logic changed,
 * and the replay fails loudly instead of guessing.
 */
export function replayDecision(catalog: ActionCatalog, record: DecisionReplayRecord, models: DecisionOutcome['models']): DecisionOutcome {
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
    scores: scoresOf(models),
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

/**
 * The scores the decision used, in the order it listed them. A customer objecting to profiling has none listed; the
 * recorded objection keeps the replay from using any, as it kept the decision.
 */
function scoresOf(models: DecisionOutcome['models']): Record<string, ModelScore> {
  const scores: Record<string, ModelScore> = {};
  for (const { modelId, version, stage, score, attributions } of models) scores[modelId] = { score, version, stage, attributions };
  return scores;
}
