/**
 * The contract every module writes audit records through. A record is enough for a person to understand and
 * contest an automated decision (Art. 15(1)(h), Art. 22 GDPR; CJEU C-203/22): what went in, which logic and
 * versions decided, what consent was in force, what came out and why — and what would have changed the result.
 */
export const AUDIT_RECORD_KINDS = [
  'decision_served',
  'trigger_fired',
  'action_suppressed',
  'score_computed',
  'model_promoted',
  'ruleset_deployed',
  'content_approved',
  'content_changed',
  'campaign_changed',
  'trigger_set_changed',
  'consent_changed',
  'objection_recorded',
  'dsr_executed',
  'review_requested',
  'retention_enforced',
  'access_denied',
] as const;
export type AuditRecordKind = (typeof AUDIT_RECORD_KINDS)[number];

/** Who acted: a component at a version, or a human principal (by pseudonymous principal id, never a name). */
export type AuditActor =
  | { readonly type: 'component'; readonly component: string; readonly version: string }
  | { readonly type: 'principal'; readonly principalId: string; readonly role: string };

/** A feature value the logic read. Values are numbers, strings, booleans or null — never free text about a person. */
export interface AuditInput {
  readonly feature: string;
  readonly value: number | string | boolean | null;
}

/** The logic that produced the output, with versions so the decision can be replayed (A5). */
export interface AuditLogic {
  readonly rules?: readonly { readonly ruleSetId: string; readonly version: string; readonly tableId: string; readonly rowIds: readonly string[] }[];
  readonly models?: readonly {
    readonly modelId: string;
    readonly version: string;
    readonly stage: string;
    readonly score: number;
    readonly attributions: readonly { readonly feature: string; readonly contribution: number }[];
  }[];
  readonly triggerId?: string;
  readonly contentVersion?: string;
  /** Seeds of any randomness (bandit draws), so a replay gives the same result. */
  readonly seeds?: Readonly<Record<string, number>>;
}

/** Consent in force when the record was made: the partition offset of the consent state and its grants. */
export interface AuditConsentSnapshot {
  readonly asOfOffset: number;
  readonly grants: readonly { readonly purpose: string; readonly channel: string | null; readonly status: string }[];
  readonly objections: readonly string[];
}

/** "Had this input been different, the result would have changed": the counterfactual hint of C-203/22. */
export interface AuditCounterfactual {
  readonly feature: string;
  readonly actual: number | string | boolean | null;
  /** The value (or threshold) at which the result changes, and the result it would then have been. */
  readonly threshold: number | string | boolean | null;
  readonly wouldResultIn: string;
}

/** What a module hands to the audit trail. The trail adds id, chain, sequence, hashes and the record time. */
export interface AuditRecordDraft {
  readonly kind: AuditRecordKind;
  readonly actor: AuditActor;
  /** Pseudonymous customer id, when the record is about a customer. */
  readonly subject?: string;
  /** Correlates the records of one decision (decision_served, action_suppressed, score_computed, ...). */
  readonly decisionId?: string;
  readonly inputs?: readonly AuditInput[];
  readonly logic?: AuditLogic;
  readonly consent?: AuditConsentSnapshot;
  readonly output?: Readonly<Record<string, unknown>>;
  /** Machine-readable reason codes (e.g. `consent_missing:marketing:email`), rendered into words by the explainer. */
  readonly reasons?: readonly string[];
  readonly counterfactuals?: readonly AuditCounterfactual[];
  /**
   * Personal data the record must keep (e.g. a message text addressed to the person). It is sealed with the
   * subject's data key before hashing, so crypto-shredding the key never breaks verification.
   */
  readonly personalData?: Readonly<Record<string, unknown>>;
  /** When the recorded thing happened (epoch ms); defaults to the append time. */
  readonly occurredAtMs?: number;
}

/** Writes audit records. `append` resolves only once the record is durable: nothing reaches a channel before. */
export interface AuditTrail {
  append(draft: AuditRecordDraft): Promise<AuditReceipt>;
}

/** Where a durable record sits in its chain. */
export interface AuditReceipt {
  readonly id: string;
  readonly chain: number;
  readonly sequence: number;
  readonly hash: string;
}

/**
 * Seals personal data with the subject's key (crypto-shredding, implemented in @kairos/privacy). `open` returns
 * null once the subject's key is destroyed: the record then shows an `erased` placeholder.
 */
export interface PersonalDataCipher {
  seal(subject: string, plaintext: string): Promise<string>;
  open(subject: string, sealed: string): Promise<string | null>;
}

/**
 * A durable record as the trail stored it: the draft's content (personal data sealed), its place in its chain and
 * the SHA-256 of its canonical body. `hash` covers every other field; `prevHash` is the hash of the record before it
 * in the same chain (64 zeros for the first).
 */
export interface AuditRecord extends Omit<AuditRecordDraft, 'personalData' | 'occurredAtMs'> {
  readonly id: string;
  readonly chain: number;
  readonly sequence: number;
  readonly prevHash: string;
  readonly hash: string;
  /** The draft's personal data, sealed with the subject's key; unreadable once the subject is erased. */
  readonly sealedPersonalData?: string;
  readonly occurredAtMs: number;
  readonly recordedAtMs: number;
}
