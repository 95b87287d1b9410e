import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditRecordDraft, ExplanationLocale } from '@kairos/audit';
import { KairosError, partitionForCustomer } from '@kairos/contracts';
import { decide, decisionAuditDraft, type DecisionOutcome, type DecisionRequest } from '@kairos/decisioning';
import { profileOf, type PartitionProfileStore } from '@kairos/profile';
import type { DecisionMaker, DecisionOrigin, ForwardedAnswer } from '../decision-sources';
import { DecisionAuditWriter } from './decision-audit-writer';
import { ContentRefs, decisionInputsOf, prepareScores } from './decision-inputs';
import type { DecisionApiRequest } from './decision-request.schema';
import { decisionResponseOf, type DecisionResponse } from './decision-response';
import { DEFAULT_DECISION_AUDIT_SETTINGS, type DecisionRecord, type DecisionServiceOptions } from './decision-service-ports';

const DEFAULT_CATCH_UP_TIMEOUT_MS = 2_000;
const ACTOR_VERSION = '1';

/** Who asks over HTTP, and how the request reached this process. */
export interface DecisionCaller {
  readonly principalId: string;
  readonly role: string;
  /** Relayed as is when the request is forwarded to the partition's owner. */
  readonly authorization: string;
  /** How often the request was already forwarded (`x-kairos-forwarded`). */
  readonly hops: number;
}

export type DecisionAnswer = { readonly kind: 'decided'; readonly response: DecisionResponse } | { readonly kind: 'forwarded'; readonly answer: ForwardedAnswer };

/**
 * The decision core: one path for the HTTP request and the trigger fire. A decision is computed on the process that
 * owns the customer's partition, from the state the worker folded (for HTTP: after every event accepted before the
 * request is applied), with consent, scores, triggers, contacts, rules, approved content and campaign posteriors;
 * its one `decision_served` audit record (with the replay record) is committed before the decision is served.
 */
export class DecisionService implements DecisionMaker {
  private readonly refs: ContentRefs;
  private readonly auditWriter: DecisionAuditWriter;
  private readonly clock: () => number;
  private readonly newDecisionId: () => string;

  constructor(private readonly options: DecisionServiceOptions) {
    this.refs = new ContentRefs(options.catalog);
    this.clock = options.clock ?? Date.now;
    this.newDecisionId = options.newDecisionId ?? (() => `dec-${randomUUID()}`);
    this.auditWriter = new DecisionAuditWriter(options.audit, options.auditSettings ?? DEFAULT_DECISION_AUDIT_SETTINGS, this.clock, options.logger);
  }

  get catalog() {
    return this.options.catalog;
  }

  /** `POST /v1/decisions` after validation and the channel check. */
  async decideForRequest(request: DecisionApiRequest, caller: DecisionCaller): Promise<DecisionAnswer> {
    const partition = partitionForCustomer(request.customerId, this.options.partitionCount);
    if (this.options.states.store(partition) === undefined) return { kind: 'forwarded', answer: await this.forward(partition, request, caller) };
    // Never from state older than what the previous owner of a moved partition had applied (R3).
    if (this.options.servable && !(await this.options.servable.awaitServable(partition, this.options.catchUpTimeoutMs ?? DEFAULT_CATCH_UP_TIMEOUT_MS))) throw notOwner(partition);
    await this.catchUp(partition);
    await this.refuseErased(partition, request.customerId);
    const outcome = await this.decideIn(partition, {
      decisionId: this.newDecisionId(),
      customerId: request.customerId,
      channels: [request.channel],
      ...(request.placement !== undefined ? { placement: request.placement } : {}),
      ...(request.context !== undefined ? { context: request.context } : {}),
      ...(request.limit !== undefined ? { limit: request.limit } : {}),
      nowMs: this.clock(),
    }, { type: 'request', principalId: caller.principalId, role: caller.role });
    return { kind: 'decided', response: decisionResponseOf(outcome, request.channel) };
  }

  /**
   * The trigger path: decides on the state the worker holds now (it runs inside the worker, so it must not wait for
   * the worker), audits the same way and returns the outcome for the outbox.
   */
  async decideOwned(request: DecisionRequest, origin: DecisionOrigin): Promise<DecisionOutcome> {
    const partition = partitionForCustomer(request.customerId, this.options.partitionCount);
    if (this.options.states.store(partition) === undefined) throw notOwner(partition);
    await this.refuseErased(partition, request.customerId);
    return this.decideIn(partition, request, origin);
  }

  /** `GET /v1/decisions/:id`: the audit record and its explanation. */
  async explain(decisionId: string, locale: ExplanationLocale): Promise<DecisionRecord> {
    const found = await this.options.records.decisionRecord(decisionId, locale);
    if (found === null) throw new KairosError('NOT_FOUND', 'there is no decision with this id');
    return found;
  }

  private async decideIn(partition: number, request: DecisionRequest, origin: DecisionOrigin): Promise<DecisionOutcome> {
    // What the pipeline cannot compute synchronously is fetched first, together: approved content and the scores of
    // models that run asynchronously (ONNX); a deployment without such models awaits the content alone.
    const content = this.options.content.approvedVersions(this.refs.of(request.channels, request.actions), request.nowMs);
    const scoring = prepareScores(this.options, this.options.states.store(partition), request);
    const [approved, prepared] = scoring === null ? [await content, null] : await Promise.all([content, scoring]);
    // Re-read after the await: the partition may have moved to another process meanwhile.
    const store: PartitionProfileStore | undefined = this.options.states.store(partition);
    if (store === undefined) throw notOwner(partition);
    const outcome = decide(this.options.catalog, request, decisionInputsOf(this.options, store, request, approved, prepared));
    await this.auditWriter.record(auditDraftOf(outcome, origin));
    this.options.campaigns?.recordExposures(outcome);
    return outcome;
  }

  private async forward(partition: number, request: DecisionApiRequest, caller: DecisionCaller): Promise<ForwardedAnswer> {
    // A forwarded request that again lands on a non-owner is answered here: ownership is moving, the client retries.
    if (caller.hops > 0 || !this.options.forwarder) throw notOwner(partition);
    return this.options.forwarder.forward(partition, { method: 'POST', path: '/v1/decisions', body: request, authorization: caller.authorization, hops: caller.hops + 1 });
  }

  /**
   * A customer with a profile on the partition is not erased (an erasure removes the profile when it is applied, and
   * the state is caught up); only an unknown customer costs the tombstone lookup.
   */
  private async refuseErased(partition: number, customerId: string): Promise<void> {
    const store = this.options.states.store(partition);
    if (store !== undefined && profileOf(store, customerId) !== undefined) return;
    if (await this.options.erasures.isErased(customerId)) throw new KairosError('CUSTOMER_ERASED', 'this customer was erased; no decision is made for them');
  }

  /**
   * Read-your-writes: every event accepted before the request (e.g. a consent withdrawal answered 202) has a smaller
   * offset than the partition's head now; the decision waits, bounded, until the worker applied the offset below it.
   */
  private async catchUp(partition: number): Promise<void> {
    if (!this.options.heads) return;
    const head = await this.options.heads.headOffset(partition);
    if (head <= 0) return;
    const applied = await this.options.applied.waitUntilApplied(partition, head - 1, this.options.catchUpTimeoutMs ?? DEFAULT_CATCH_UP_TIMEOUT_MS);
    if (!applied) throw new KairosError('NOT_PARTITION_OWNER', 'the customer\'s newest events are not applied yet; retry shortly', [], 1);
  }
}

function notOwner(partition: number): KairosError {
  return new KairosError('NOT_PARTITION_OWNER', `partition ${partition} is not served by this process right now; retry shortly`, [], 1);
}

function actorOf(origin: DecisionOrigin): AuditActor {
  return origin.type === 'request' ? { type: 'principal', principalId: origin.principalId, role: origin.role } : { type: 'component', component: 'decisioning', version: ACTOR_VERSION };
}

/** The decision_served draft plus what replay needs (A5) and, for trigger and campaign-send decisions, what asked. */
export function auditDraftOf(outcome: DecisionOutcome, origin: DecisionOrigin): AuditRecordDraft {
  const draft = decisionAuditDraft(outcome, actorOf(origin));
  const asked =
    origin.type === 'trigger'
      ? { origin: { triggerId: origin.triggerId, occasionId: origin.occasionId } }
      : origin.type === 'campaign'
        ? { origin: { campaignId: origin.campaignId, campaignVersion: origin.version } }
        : {};
  return { ...draft, output: { ...draft.output, ...asked, replay: outcome.replay } };
}
