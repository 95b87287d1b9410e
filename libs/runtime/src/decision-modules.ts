import { may } from '@kairos/consent';
import { ActionCatalog, type CapacityLimit, loadActionCatalogFile, profileFeatureSource } from '@kairos/decisioning';
import type { AuditTrail } from '@kairos/audit';
import { ConfigurationError, type KairosConfig } from '@kairos/config';
import { KairosError } from '@kairos/contracts';
import { parseChannelCapacity, type ActionSink, type CampaignSendJob, type DecisionMaker, type TriggerRuntime, type TriggerRuntimeOptions } from '@kairos/decisioning-service';
import { consentState, profileOf } from '@kairos/profile';
import type { ScoringServices } from '@kairos/scoring-service';
import type { TriggerSet } from '@kairos/triggers';
import { CampaignsParts, closeCampaigns, openCampaignSends, openCampaigns } from './campaigns-parts';
import { DecisioningParts, DecisioningPorts, openDecisioning } from './decisioning-parts';
import type { KairosRuntime } from './kairos-runtime';
import { OutboxParts, consentFromWorker, openOutbox } from './outbox-parts';
import { RulesParts, openRules } from './rules-parts';
import { openScoring } from './scoring-parts';
import { TriggerSetParts, loadTriggerSets, openTriggers } from './trigger-parts';

/** The decision-making modules of a process, built over its runtime parts and wired to each other. */
export interface DecisionModules {
  readonly catalog: ActionCatalog;
  readonly scoring: ScoringServices;
  readonly rules: RulesParts;
  readonly campaigns: CampaignsParts;
  readonly outbox: OutboxParts;
  readonly decisioning: DecisioningParts;
  readonly triggers: TriggerRuntime;
  /** Sends active outbound campaigns to their segments (started with the worker). */
  readonly campaignSends: CampaignSendJob;
  /** The authored trigger sets: the deployed one runs, and is hot-deployed into `triggers` when it changes. */
  readonly triggerSets: TriggerSetParts;
}

/**
 * Scoring, rule sets, campaigns and the outbox first (they are the decision core's sources and sink), then the
 * decision core, then the triggers that ask it for outbound decisions. Everything that listens to the partition
 * worker is attached here, before the worker starts; `overrides` replace individual ports (tests, a forwarder).
 */
/** Test and embedding hooks of the trigger runtime: its clock, and what it audits, asks and emits through. */
export interface TriggerOverrides {
  readonly clock?: () => number;
  readonly audit?: AuditTrail;
  readonly actions?: ActionSink;
  readonly decisions?: (runtime: KairosRuntime) => DecisionMaker;
}

export async function openDecisionModules(runtime: KairosRuntime, overrides: DecisioningPorts = {}, triggerOverrides: TriggerOverrides = {}): Promise<DecisionModules> {
  const { config, database, log, registry, worker, logger } = runtime;
  // The deployed trigger set (else the seed document): the catalog's trigger references are checked against it.
  const triggerSets = await loadTriggerSets({ database, registry, logger });
  const triggerSet = triggerSets.served.current.set;
  const baseCatalog =
    overrides.catalog ?? loadActionCatalogFile(overrides.catalogFile, { isFeature: (name) => registry.has(name), triggerIds: new Set(triggerSet.triggers.map((t) => t.id)) });
  const scoring = await openScoring(runtime);
  const rules = openRules({ config, database, log, worker, registry, audit: runtime.audit.journal, privacy: runtime.privacy, logger });
  const campaigns = await openCampaigns(runtime, { catalog: baseCatalog, ...channelCapacityOf(config) });
  // The live catalog: approved authored campaigns join it (and retired ones leave) while the process runs.
  const catalog = campaigns.catalog;
  worker.onApplied(campaigns.onApplied);
  const outbox = await openOutbox(config, database, { catalog, logger, worker, consent: consentFromWorker(runtime), admit: campaigns.budget.admit });
  // The decision core reads recent fires from the trigger runtime, which itself asks the decision core: the
  // source defers to the trigger runtime built right after.
  const late: { triggers?: TriggerRuntime } = {};
  const decisioning = openDecisioning(
    { config, database, log, registry, worker, audit: runtime.audit, governance: runtime.governance, logger },
    {
      scores: scoring.scoreSource,
      rules: rules.source,
      contacts: outbox.contacts,
      campaigns: campaigns.book,
      capacity: campaigns.capacity,
      sink: outbox.sink,
      triggers: { recentFires: (partition, customerId, atMs) => late.triggers?.recentFires(partition, customerId, atMs) ?? [] },
      forwarder: runtime.cluster.forwarder,
      servable: runtime.cluster.directory,
      ...overrides,
      catalog,
    },
  );
  const triggers = openTriggers({
    worker,
    registry,
    audit: triggerOverrides.audit ?? runtime.audit.journal,
    logger,
    metrics: runtime.metrics,
    traces: runtime.traces,
    decisions: triggerOverrides.decisions?.(runtime) ?? decisioning.maker,
    actions: triggerOverrides.actions ?? overrides.sink ?? outbox.sink,
    ...(triggerOverrides.clock ? { clock: triggerOverrides.clock } : {}),
    catalog,
    triggers: triggerSet,
    persistedTraces: triggerSets.traces,
    observeScores: scoreObserver(runtime, scoring, () => late.triggers?.triggerSet ?? triggerSet),
  });
  late.triggers = triggers;
  triggerSets.served.attach(triggers);
  const campaignSends = openCampaignSends(runtime, campaigns, { decisions: decisioning.maker, actions: overrides.sink ?? outbox.sink, scores: scoring.scoreSource, contacts: outbox.contacts });
  return { catalog, scoring, rules, campaigns, outbox, decisioning, triggers, campaignSends, triggerSets };
}

/**
 * The production scores of the models score-change triggers watch, from the customer's folded profile, computed
 * only where the customer's consent allows the model's purposes (the score source checks them, G2).
 */
function scoreObserver(runtime: KairosRuntime, scoring: ScoringServices, current: () => TriggerSet): TriggerRuntimeOptions['observeScores'] {
  const policy = runtime.governance.purposes.policy;
  // The watched models follow hot deploys: recomputed when the running set changes (sets are immutable).
  let watched: { set: TriggerSet; models: ReadonlySet<string> } | null = null;
  const modelsOf = (set: TriggerSet) => {
    if (watched?.set !== set) watched = { set, models: new Set(set.triggers.flatMap((trigger) => (trigger.kind === 'score_change' ? [trigger.definition.model] : []))) };
    return watched.models;
  };
  return (customerId, store, atMs) => {
    const models = modelsOf(current());
    if (models.size === 0) return [];
    const profile = profileOf(store, customerId);
    if (!profile) return [];
    const consent = consentState(profile);
    const features = profileFeatureSource(runtime.registry, profile, atMs);
    const scores = scoring.scoreSource.scoresFor(customerId, features, atMs, (purpose) => may(consent, purpose, null, atMs, policy).allowed, models);
    return [...models].flatMap((model) => {
      const score = scores[model];
      return score ? [{ model, score: score.score, modelVersion: score.version }] : [];
    });
  };
}

/** Starts what runs in the background once the worker consumes: rule-set polling and outbox delivery. */
export async function startDecisionModules(modules: DecisionModules): Promise<void> {
  await modules.decisioning.contentBindings.start();
  await modules.rules.start();
  await modules.triggerSets.start();
  modules.outbox.dispatcher.start();
  modules.campaignSends.start();
}

/** Stops the background work and flushes what is buffered (campaign counts) while the database is still open. */
export async function closeDecisionModules(runtime: KairosRuntime, modules: DecisionModules): Promise<void> {
  await modules.decisioning.contentBindings.stop();
  await modules.rules.stop();
  await modules.campaignSends.stop();
  await modules.triggerSets.stop();
  await modules.outbox.close();
  await closeCampaigns(runtime);
  await modules.scoring.stop();
}

/** `KAIROS_CHANNEL_CAPACITY`, checked at start: a bad limit stops the process naming the variable. */
function channelCapacityOf(config: KairosConfig): { capacity?: CapacityLimit[] } {
  if (config.channelCapacity === undefined) return {};
  try {
    return { capacity: parseChannelCapacity(JSON.parse(config.channelCapacity) as unknown[]) };
  } catch (error) {
    const detail = error instanceof KairosError ? error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : 'must be a JSON array of channel limits';
    throw new ConfigurationError('KAIROS_CHANNEL_CAPACITY', detail);
  }
}
