import type { AuditConsentSnapshot } from '@kairos/audit';
import type { ConsentChannel, ConsentPurpose, CustomerEvent, EventData, EventType, LoggedEvent } from '@kairos/contracts';
import { PartitionProfileStore, defaultFeatureRegistry, profileAttributes, profileOf } from '@kairos/profile';
import { FiredTrigger, InMemoryTimerStore, SEED_TRIGGER_DOCUMENT, TriggerEngine, compileTriggerSet } from '@kairos/triggers';
import { ActionCatalog, loadActionCatalogFile } from '../catalog/action-catalog';
import type { DecisionChannel } from '../catalog/action-catalog.schema';
import { decide } from '../pipeline/decide';
import type { DecisionOutcome } from '../pipeline/decision-outcome';
import type { CampaignState, ConsentPort, ContactRecord, ContextValue, DecisionInputs, ModelScore } from '../pipeline/decision-ports';
import { profileFeatureSource } from '../pipeline/profile-feature-source';
import { outboundRequestForTrigger } from '../pipeline/triggered-request';

export const registry = defaultFeatureRegistry();
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Monday 2026-11-23 10:00 in Berlin (09:00 UTC). */
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

let shippedCatalog: ActionCatalog | undefined;
/** governance/actions.json, checked against the default feature registry. */
export function seedCatalog(): ActionCatalog {
  shippedCatalog ??= loadActionCatalogFile(undefined, { isFeature: (name) => registry.has(name) });
  return shippedCatalog;
}

/** Consent as a set of `purpose:channel` grants (`purpose:any` covers every channel) plus objections. */
export class GrantedConsent implements ConsentPort {
  readonly grants = new Set<string>();
  readonly objections = new Set<'profiling' | 'direct_marketing'>();

  constructor(grants: readonly string[] = []) {
    for (const grant of grants) this.grants.add(grant);
  }

  may(purpose: ConsentPurpose, channel: ConsentChannel | null): boolean {
    return this.grants.has(`${purpose}:any`) || (channel !== null && this.grants.has(`${purpose}:${channel}`));
  }

  objectsTo(scope: 'profiling' | 'direct_marketing'): boolean {
    return this.objections.has(scope);
  }

  snapshot(): AuditConsentSnapshot {
    return {
      asOfOffset: 0,
      grants: [...this.grants].map((grant) => {
        const [purpose, channel] = grant.split(':');
        return { purpose, channel: channel === 'any' ? null : channel, status: 'given' };
      }),
      objections: [...this.objections],
    };
  }
}

export interface DecideOptions {
  readonly placement?: string;
  readonly context?: Record<string, ContextValue>;
  readonly actions?: readonly string[];
  readonly limit?: number;
  readonly decisionId?: string;
}

/**
 * A customer's life in one partition, as the runtime will run it: events are folded into the profile store, the
 * seed triggers evaluate them, and decisions read the profile, the recent trigger fires and the ports below.
 */
export class CustomerJourney {
  readonly catalog = seedCatalog();
  readonly store = new PartitionProfileStore({ partition: 0, registry });
  readonly timers = new InMemoryTimerStore();
  readonly engine: TriggerEngine;
  readonly consent = new Map<string, GrantedConsent>();
  readonly scores = new Map<string, Record<string, ModelScore>>();
  readonly contacts = new Map<string, ContactRecord[]>();
  /** Values from outside the profile (catalog `externalFeatures`), e.g. days_past_due. */
  readonly external = new Map<string, Record<string, number>>();
  readonly unapprovedContent = new Set<string>();
  readonly campaignStates = new Map<string, CampaignState>();
  private offset = 0;
  private ids = 0;
  private decisions = 0;

  constructor() {
    this.engine = new TriggerEngine({
      partition: 0,
      triggers: compileTriggerSet(SEED_TRIGGER_DOCUMENT, { registry }),
      registry,
      timers: this.timers,
      profiles: (customerId) => profileOf(this.store, customerId),
      defaultTimeZone: 'Europe/Berlin',
    });
  }

  consentOf(customerId: string): GrantedConsent {
    let consent = this.consent.get(customerId);
    if (!consent) this.consent.set(customerId, (consent = new GrantedConsent()));
    return consent;
  }

  emit<T extends EventType>(customerId: string, type: T, atMs: number, data: EventData<T>): readonly FiredTrigger[] {
    const event = { id: `evt-${++this.ids}`, type, customerId, occurredAt: new Date(atMs).toISOString(), occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data } as CustomerEvent;
    const record: LoggedEvent = { partition: 0, offset: this.offset++, event };
    this.store.apply(record);
    return this.engine.onApplied([record], this.store);
  }

  tick(atMs: number): readonly FiredTrigger[] {
    return this.engine.onTick(atMs);
  }

  /** A new score from the scoring runtime: kept for decisions and shown to score-change triggers. */
  score(customerId: string, model: string, score: number, atMs: number): readonly FiredTrigger[] {
    this.scores.set(customerId, { ...this.scores.get(customerId), [model]: { score, version: '1', stage: 'production' } });
    return this.engine.onScore({ customerId, model, score, atMs, modelVersion: '1', eventId: `score-${atMs}` });
  }

  decide(customerId: string, channels: readonly DecisionChannel[], atMs: number, options: DecideOptions = {}): DecisionOutcome {
    return decide(
      this.catalog,
      { decisionId: options.decisionId ?? `dec-${++this.decisions}`, customerId, channels, nowMs: atMs, ...options },
      this.inputs(customerId, atMs),
    );
  }

  /** What the runtime does with a fire: an outbound decision over the proposed actions, or null if none goes out. */
  decideFor(fire: FiredTrigger, atMs: number): DecisionOutcome | null {
    const request = outboundRequestForTrigger(this.catalog, fire, atMs);
    return request === null ? null : decide(this.catalog, request, this.inputs(fire.customerId, atMs));
  }

  inputs(customerId: string, atMs: number): DecisionInputs {
    const state = profileOf(this.store, customerId);
    const external = this.external.get(customerId) ?? {};
    return {
      features: profileFeatureSource(registry, state, atMs, (name) => external[name]),
      stateOffset: state ? profileAttributes(state).lastOffset : -1,
      timeZone: state ? profileAttributes(state).timeZone : null,
      consent: this.consentOf(customerId),
      scores: this.scores.get(customerId) ?? {},
      triggers: this.engine.recentFires(customerId, atMs),
      contacts: this.contacts.get(customerId) ?? [],
      content: (ref) => (this.unapprovedContent.has(ref) ? null : '1'),
      campaigns: (id) => this.campaignStates.get(id),
    };
  }
}

export function actionIds(outcome: DecisionOutcome | null): string[] {
  return outcome?.actions.map((a) => `${a.actionId}@${a.channel}`) ?? [];
}

export function reasonsOf(outcome: DecisionOutcome, actionId: string): string[] {
  return outcome.suppressed.filter((s) => s.actionId === actionId).flatMap((s) => s.reasons.map((r) => `${s.channel ?? '*'}:${r}`));
}

/** A minimal catalog document to vary in specs: two channels, no caps, lending signals over default features. */
export function catalogDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 'spec',
    channels: {
      app: { direction: 'inbound', consentChannel: 'app' },
      sms: { direction: 'outbound', consentChannel: 'sms', quietHours: { from: '21:00', to: '08:00' } },
      email: { direction: 'outbound', consentChannel: 'email' },
    },
    contactPolicy: { caps: [] },
    responsibleLending: { overLimit: 'credit_card_balance < -credit_card_limit', inArrears: 'false' },
    actions: [],
    ...overrides,
  };
}

/** An action definition with spec defaults; `fields` override. */
export function actionDefinition(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, kind: 'offer', description: id, channels: ['app', 'sms', 'email'], purposes: ['service'], value: 10, propensity: { default: 0.5 }, content: { ref: `${id}-content` }, ...fields };
}

/** Inputs for specs: a fixed feature map, consent grants, and everything else empty. */
export function fixedInputs(features: Record<string, unknown>, consent = new GrantedConsent(['marketing:any']), extra: Partial<DecisionInputs> = {}): DecisionInputs {
  return {
    features: (name) => (name in features ? (features[name] as never) : undefined),
    stateOffset: 41,
    timeZone: 'Europe/Berlin',
    consent,
    content: () => '1',
    ...extra,
  };
}
