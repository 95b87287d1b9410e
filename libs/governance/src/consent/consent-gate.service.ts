import type { AuditConsentSnapshot, AuditTrail } from '@kairos/audit';
import { ConsentDecision, ConsentPolicy, ConsentState, auditConsentSnapshot, emptyConsentState, erasedConsentState, may } from '@kairos/consent';
import type { ConsentChannel } from '@kairos/contracts';
import type { ConsentStateReader, ErasedCustomers } from './consent-ports';

export interface ConsentGateOptions {
  readonly states: ConsentStateReader;
  readonly audit: AuditTrail;
  readonly policy: ConsentPolicy;
  readonly erasures?: ErasedCustomers;
  /** Version of the gate's logic named in its audit records. */
  readonly version?: string;
}

export interface ConsentGateContext {
  /** Correlates the suppression record with the decision it belongs to. */
  readonly decisionId?: string;
}

/** A gate decision with the consent snapshot it rests on (for the caller's own audit record). */
export interface ConsentGateDecision extends ConsentDecision {
  readonly consent: AuditConsentSnapshot;
}

/**
 * The one consent check decisioning, scoring and content call before using a customer's data for a purpose:
 * reads the consent state from the owning worker's profile store (the state every applied consent change and
 * objection is already in), applies `may`, and, when it denies, writes an `action_suppressed` audit record with
 * the reason code before answering. If that record cannot be written the call fails: the caller must not act.
 */
export class ConsentGate {
  constructor(private readonly options: ConsentGateOptions) {}

  async may(customerId: string, purpose: string, channel: ConsentChannel | null, atMs: number, context: ConsentGateContext = {}): Promise<ConsentGateDecision> {
    const state = await this.stateOf(customerId);
    const decision = may(state, purpose, channel, atMs, this.options.policy);
    const consent = auditConsentSnapshot(state);
    if (!decision.allowed) {
      await this.options.audit.append({
        kind: 'action_suppressed',
        actor: { type: 'component', component: 'consent-gate', version: this.options.version ?? '1' },
        subject: customerId,
        ...(context.decisionId ? { decisionId: context.decisionId } : {}),
        consent,
        output: { purpose, channel, allowed: false },
        reasons: [decision.reason],
        occurredAtMs: atMs,
      });
    }
    return { ...decision, consent };
  }

  /** No profile on the owner: erased (if the privacy module says so) or never seen, i.e. nothing consented. */
  private async stateOf(customerId: string): Promise<ConsentState> {
    const state = this.options.states.consentStateOf(customerId);
    if (state !== undefined) return state;
    return (await this.options.erasures?.isErased(customerId)) ? erasedConsentState() : emptyConsentState();
  }
}
