import type { AuditInput } from '@kairos/audit';
import type { ConsentChannel, ConsentPurpose } from '@kairos/contracts';
import type { FeatureValue } from '@kairos/profile';
import { ConditionExpression, LocalDateTime, formatLocalTime, localDateTime } from '@kairos/triggers';
import { ActionCatalog, DECISION_VARIABLES } from '../catalog/action-catalog';
import type { DecisionChannel } from '../catalog/action-catalog.schema';
import type { CampaignState, DecisionInputs, DecisionRequest, ModelScore, RuleOutcome, TriggerContext } from './decision-ports';

type ObjectionScope = 'profiling' | 'direct_marketing';

export interface LendingSignals {
  readonly overLimit: boolean;
  readonly inArrears: boolean;
  /** A feature the signals read is not available: credit must not be offered on a guess. */
  readonly unknown: boolean;
}

const RESERVED: ReadonlySet<string> = new Set(DECISION_VARIABLES);

/**
 * The one place a decision reads its inputs. Every answer (feature, consent, rule, content, campaign state,
 * capacity) is asked once, cached and recorded in read order: that record is the audit's input list and the
 * replay record, and the cache keeps a decision with 50 actions from reading a feature 50 times.
 */
export class DecisionContext {
  readonly features = new Map<string, FeatureValue>();
  readonly unknownFeatures = new Set<string>();
  readonly consentAnswers = new Map<string, boolean>();
  readonly objections = new Map<ObjectionScope, boolean>();
  readonly rules = new Map<string, RuleOutcome | null>();
  /** Names each rule evaluation read, so a replay reads the same features in the same order. */
  readonly ruleReads = new Map<string, string[]>();
  readonly content = new Map<string, string | null>();
  readonly campaigns = new Map<string, CampaignState | null>();
  readonly capacity = new Map<string, boolean>();
  /** Trigger fires valid at the decision time. */
  readonly triggers: readonly TriggerContext[];
  readonly triggerIds: ReadonlySet<string>;
  /** Scores usable for this customer: none after an objection to profiling. */
  readonly scores: Readonly<Record<string, ModelScore>>;
  private readonly variables: Record<string, unknown>;
  private lending: LendingSignals | null = null;
  private local: LocalDateTime | null = null;

  constructor(
    readonly catalog: ActionCatalog,
    readonly request: DecisionRequest,
    readonly inputs: DecisionInputs,
  ) {
    this.triggers = (inputs.triggers ?? []).filter((t) => t.firedAtMs <= request.nowMs && t.validUntilMs >= request.nowMs);
    this.triggerIds = new Set(this.triggers.map((t) => t.triggerId));
    this.scores = this.objectsTo('profiling') ? {} : (inputs.scores ?? {});
    const scoreValues: Record<string, number> = {};
    for (const [model, score] of Object.entries(this.scores)) scoreValues[model] = score.score;
    this.variables = {
      context: request.context ?? {},
      scores: scoreValues,
      placement: request.placement ?? null,
      triggers: [...this.triggerIds],
      channel: null,
    };
  }

  get nowMs(): number {
    return this.request.nowMs;
  }

  /** Evaluates a catalog expression for `channel`, reading the features it names. */
  holds(expression: ConditionExpression, channel: DecisionChannel | null): boolean {
    for (const name of expression.names) {
      if (!(name in this.variables)) this.variables[name] = this.feature(name) ?? null;
    }
    this.variables.channel = channel;
    return expression.holds(this.variables);
  }

  feature(name: string): FeatureValue | undefined {
    if (this.features.has(name)) return this.features.get(name);
    if (this.unknownFeatures.has(name)) return undefined;
    const value = this.inputs.features(name);
    if (value === undefined) this.unknownFeatures.add(name);
    else this.features.set(name, value);
    return value;
  }

  may(purpose: ConsentPurpose, channel: ConsentChannel | null): boolean {
    const key = `${purpose}:${channel ?? 'any'}`;
    let answer = this.consentAnswers.get(key);
    if (answer === undefined) this.consentAnswers.set(key, (answer = this.inputs.consent.may(purpose, channel)));
    return answer;
  }

  objectsTo(scope: ObjectionScope): boolean {
    let answer = this.objections.get(scope);
    if (answer === undefined) this.objections.set(scope, (answer = this.inputs.consent.objectsTo(scope)));
    return answer;
  }

  rule(ruleSet: string, decision: string, channel: DecisionChannel | null): RuleOutcome | null {
    const key = `${ruleSet}/${decision}`;
    if (!this.rules.has(key)) {
      this.variables.channel = channel;
      const reads: string[] = [];
      this.ruleReads.set(key, reads);
      const read = (name: string) => {
        reads.push(name);
        return this.variable(name);
      };
      this.rules.set(key, this.inputs.rules?.evaluate(ruleSet, decision, read) ?? null);
    }
    return this.rules.get(key) ?? null;
  }

  approvedContent(ref: string): string | null {
    if (!this.content.has(ref)) this.content.set(ref, this.inputs.content?.(ref) ?? null);
    return this.content.get(ref) ?? null;
  }

  campaign(campaignId: string): CampaignState | null {
    if (!this.campaigns.has(campaignId)) this.campaigns.set(campaignId, this.inputs.campaigns?.(campaignId) ?? null);
    return this.campaigns.get(campaignId) ?? null;
  }

  hasCapacity(channel: DecisionChannel): boolean {
    let answer = this.capacity.get(channel);
    if (answer === undefined) this.capacity.set(channel, (answer = this.inputs.capacity?.(channel, this.nowMs) ?? true));
    return answer;
  }

  /** Responsible-lending signals, evaluated once per decision; `unknown` when a feature they read is unavailable. */
  lendingSignals(): LendingSignals {
    if (this.lending === null) {
      const { overLimit, inArrears } = this.catalog.responsibleLending;
      this.lending = {
        overLimit: this.holds(overLimit, null),
        inArrears: this.holds(inArrears, null),
        unknown: [...overLimit.names, ...inArrears.names].some((name) => !RESERVED.has(name) && this.feature(name) === undefined),
      };
    }
    return this.lending;
  }

  /** The customer's local date and time (quiet hours). */
  localTime(): LocalDateTime {
    this.local ??= localDateTime(this.nowMs, this.inputs.timeZone ?? this.catalog.defaultTimeZone);
    return this.local;
  }

  /** What the decision read, as audit inputs: features, scores, context, derived flags. */
  auditInputs(): AuditInput[] {
    const inputs: AuditInput[] = [];
    for (const [feature, value] of this.features) inputs.push({ feature, value: Array.isArray(value) ? value.join(',') : (value as AuditInput['value']) });
    for (const [model, score] of Object.entries(this.scores)) inputs.push({ feature: `score:${model}`, value: score.score });
    for (const [key, value] of Object.entries(this.request.context ?? {})) inputs.push({ feature: `context.${key}`, value });
    if (this.lending) {
      inputs.push({ feature: 'responsible_lending:over_limit', value: this.lending.overLimit });
      inputs.push({ feature: 'responsible_lending:in_arrears', value: this.lending.inArrears });
      if (this.lending.unknown) inputs.push({ feature: 'responsible_lending:unknown', value: true });
    }
    if (this.local) inputs.push({ feature: 'local_time', value: formatLocalTime(this.local.minuteOfDay) });
    return inputs;
  }

  /** A decision variable or, failing that, a feature (null if neither exists): how DMN inputs are read by name. */
  private variable(name: string): unknown {
    if (name in this.variables) return this.variables[name];
    return this.feature(name) ?? null;
  }
}
