import { CircuitBreakerBoard, type BreakerState, type CapacityLimit, type CapacityPort, type DecisionChannel, type DecisionOutcome, type HoldReason, type PendingAction, type RankedAction } from '@kairos/decisioning';

/** What waits in a breaker: one action of one decision. Ids only, no personal data (states end up in /metrics). */
export interface CapacityItem {
  readonly decisionId: string;
  readonly action: RankedAction;
}

export interface CapacityVerdict {
  readonly decisionId: string;
  readonly actionId: string;
  readonly channel: DecisionChannel;
  readonly priority: number;
  /** `released`: may go out now; `deferred`: waits in the breaker; `dropped`: will not go out (reason given). */
  readonly verdict: 'released' | 'deferred' | 'dropped';
  readonly reason: HoldReason | null;
}

export interface CapacityReleaseListener {
  /** Deferred actions the breaker let through later, and those it gave up on. */
  (released: readonly PendingAction<CapacityItem>[], dropped: readonly (PendingAction<CapacityItem> & { readonly reason: HoldReason })[]): void;
}

export interface ChannelCapacityState extends BreakerState {
  /** Decisions that chose another action or channel because this breaker was open (the pipeline's `capacity:` reason). */
  readonly skippedByDecisions: number;
}

/** What /v1/capacity and /metrics read: the per-process breakers or the cluster-wide budget. */
export interface CapacityStates {
  states(nowMs?: number): readonly ChannelCapacityState[];
}

/** Nest token of the CapacityStates the capacity routes serve. */
export const CAPACITY_STATES = Symbol('CAPACITY_STATES');

/**
 * Channel circuit breakers of this process around the domain's board: the decision pipeline's capacity port
 * (counting each decision it turned away), `admit` for the actions of outbound decisions (which consume capacity,
 * highest priority first), and `releaseDue` to let deferred actions through as room frees up.
 */
export class ChannelCapacity implements CapacityStates {
  readonly board: CircuitBreakerBoard<CapacityItem>;
  private readonly limited: ReadonlySet<string>;
  private readonly skipped = new Map<string, number>();
  private readonly listeners: CapacityReleaseListener[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    limits: readonly CapacityLimit[],
    private readonly clock: () => number = Date.now,
  ) {
    this.board = new CircuitBreakerBoard<CapacityItem>(limits);
    this.limited = new Set(limits.map((limit) => limit.channel));
  }

  /** The `capacity` port of `decide()`: false while the channel's breaker is open. */
  readonly port: CapacityPort = (channel, nowMs) => {
    const available = this.board.capacity(channel, nowMs);
    if (!available) this.skipped.set(channel, (this.skipped.get(channel) ?? 0) + 1);
    return available;
  };

  /**
   * Puts the actions of a decision on limited channels through their breakers. Returns one verdict per such
   * action; actions on unlimited channels are not listed (they go out directly). Deferred actions of earlier
   * decisions that this release lets through go to the release listeners.
   */
  admit(outcome: DecisionOutcome, nowMs = this.clock()): CapacityVerdict[] {
    const mine = new Map<string, RankedAction>();
    for (const action of outcome.actions) {
      if (!this.limited.has(action.channel)) continue;
      const id = `${outcome.decisionId}/${action.actionId}`;
      mine.set(id, action);
      this.board.submit(action.channel, { id, priority: action.priority, submittedAtMs: nowMs, payload: { decisionId: outcome.decisionId, action } });
    }
    if (mine.size === 0) return [];
    const verdicts = new Map<string, CapacityVerdict>();
    const verdict = (id: string, v: CapacityVerdict['verdict'], reason: HoldReason | null) => {
      const action = mine.get(id) as RankedAction;
      verdicts.set(id, { decisionId: outcome.decisionId, actionId: action.actionId, channel: action.channel, priority: action.priority, verdict: v, reason });
    };
    const { released, dropped } = this.releaseAll(nowMs, (item) => mine.has(item.id));
    for (const item of released) verdict(item.id, 'released', null);
    for (const item of dropped) verdict(item.id, 'dropped', item.reason);
    for (const id of mine.keys()) if (!verdicts.has(id)) verdict(id, 'deferred', 'deferred');
    return [...mine.keys()].map((id) => verdicts.get(id) as CapacityVerdict);
  }

  /** Lets deferred actions through as their window frees up (and drops those waiting too long). */
  releaseDue(nowMs = this.clock()): void {
    this.releaseAll(nowMs, () => false);
  }

  onRelease(listener: CapacityReleaseListener): void {
    this.listeners.push(listener);
  }

  /** Releases due deferred actions every `everyMs`. */
  start(everyMs = 1_000): void {
    this.timer ??= setInterval(() => this.releaseDue(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  states(nowMs = this.clock()): ChannelCapacityState[] {
    return this.board.states(nowMs).map((state) => ({ ...state, skippedByDecisions: this.skipped.get(state.channel) ?? 0 }));
  }

  private releaseAll(nowMs: number, isMine: (item: PendingAction<CapacityItem>) => boolean) {
    const released: PendingAction<CapacityItem>[] = [];
    const dropped: (PendingAction<CapacityItem> & { reason: HoldReason })[] = [];
    const othersReleased: PendingAction<CapacityItem>[] = [];
    const othersDropped: (PendingAction<CapacityItem> & { reason: HoldReason })[] = [];
    for (const release of this.board.release(nowMs).values()) {
      for (const item of release.released) (isMine(item) ? released : othersReleased).push(item);
      for (const item of release.dropped) (isMine(item) ? dropped : othersDropped).push(item);
    }
    if (othersReleased.length > 0 || othersDropped.length > 0) for (const listener of this.listeners) listener(othersReleased, othersDropped);
    return { released, dropped };
  }
}
