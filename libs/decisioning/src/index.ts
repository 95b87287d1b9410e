// The public face of @kairos/decisioning: the action catalog (data, zod-validated), the decision pipeline as pure
// functions with its audit draft and replay, the Thompson-sampling bandit with campaign attribution, and channel
// circuit breakers. No framework imports: the runtime wires ports (features, consent, rules, content, capacity).
export type {
  ActionCatalogDocument,
  ActionCatalogInput,
  ActionDefinition,
  ActionKind,
  CampaignDefinition,
  ChannelPolicy,
  DecisionChannel,
} from './catalog/action-catalog.schema';
export { ACTION_KINDS, DECISION_CHANNELS, actionCatalogSchema, decisionChannelSchema } from './catalog/action-catalog.schema';
export type { ActionCatalog, ActionCatalogOptions, CompiledAction, CompiledCampaign } from './catalog/action-catalog';
export { DECISION_VARIABLES, DEFAULT_ACTION_CATALOG_FILE, compileActionCatalog, loadActionCatalogFile } from './catalog/action-catalog';
export {
  AUTHORED_CAMPAIGN_PROPENSITY,
  AUTHORED_CAMPAIGN_VALUE,
  campaignDefinitionSchema,
  checkCampaignDefinition,
  compileAuthoredCampaign,
  type AuthoredCampaign,
  type CampaignCheckOptions,
  type CompiledAuthoredCampaign,
} from './catalog/campaign-definition';
export { LiveActionCatalog, withAuthoredCampaigns, type ActiveAuthoredCampaign } from './catalog/live-action-catalog';
export type {
  ArmState,
  CampaignPort,
  CampaignState,
  CapacityPort,
  ConsentPort,
  ContactRecord,
  ContentPort,
  ContextValue,
  DecisionInputs,
  DecisionRequest,
  FeatureSource,
  ModelScore,
  RuleOutcome,
  RulePort,
  TriggerContext,
} from './pipeline/decision-ports';
export type {
  ActionContent,
  DecisionOutcome,
  DecisionReplayRecord,
  DecisionStage,
  PriorityFactors,
  RankedAction,
  SuppressedAction,
} from './pipeline/decision-outcome';
export { DECISION_STAGES } from './pipeline/decision-outcome';
export { DEFAULT_DECISION_LIMIT, MAX_DECISION_LIMIT, decide } from './pipeline/decide';
export { decisionAuditDraft } from './pipeline/decision-audit';
export { replayDecision } from './pipeline/decision-replay';
export { profileFeatureSource } from './pipeline/profile-feature-source';
export type { TriggerProposal } from './pipeline/triggered-request';
export { outboundRequestForTrigger } from './pipeline/triggered-request';
export type { PosteriorSummary } from './bandit/beta-distribution';
export { betaCdf, betaQuantile, summarizeBeta } from './bandit/beta-distribution';
export { SeededRandom, seedFrom, unitHash } from './bandit/seeded-random';
export type { VariantChoice } from './bandit/thompson-sampler';
export { chooseVariant } from './bandit/thompson-sampler';
export { isInControlGroup } from './bandit/control-group';
export type { ArmCounts, ArmReport, CampaignCounts, CampaignReport } from './bandit/campaign-ledger';
export { CONTROL, CampaignLedger, campaignReport, campaignState, combineCounts } from './bandit/campaign-ledger';
export type { BreakerRelease, BreakerState, CapacityLimit, HeldBack, HoldReason, PendingAction } from './capacity/channel-circuit-breaker';
export { ChannelCircuitBreaker, capacityLimitSchema } from './capacity/channel-circuit-breaker';
export { CircuitBreakerBoard } from './capacity/circuit-breaker-board';
