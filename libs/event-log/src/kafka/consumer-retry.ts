import { sleep } from './kafka-connection';

/** What a retry loop inside a kafkajs `eachBatch` needs from it. */
export interface BatchRetryContext {
  /** False once the consumer stops or a seek/rebalance made the batch stale: give up without advancing. */
  isActive(): boolean;
  /** Keeps the group membership alive; throws kafkajs' rebalance error, which must propagate. */
  heartbeat(): Promise<void>;
  onFailure(error: unknown, attempt: number): void;
}

const INITIAL_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;
const SLICE_MS = 500;

/**
 * Runs `attempt` until it succeeds (true) or the batch is no longer active (false). Used where moving on would
 * lose a record: a dead-letter write, a handler that failed, an ingestion call. Backoff is capped exponential and
 * sleeps in slices so the consumer keeps heartbeating and notices a stop within half a second.
 */
export async function retryWhileActive(attempt: () => Promise<void>, context: BatchRetryContext): Promise<boolean> {
  let delay = INITIAL_DELAY_MS;
  for (let tries = 1; ; tries++) {
    if (!context.isActive()) return false;
    try {
      await attempt();
      return true;
    } catch (error) {
      context.onFailure(error, tries);
    }
    const until = Date.now() + delay;
    while (Date.now() < until) {
      if (!context.isActive()) return false;
      await sleep(Math.min(SLICE_MS, until - Date.now()));
      await context.heartbeat();
    }
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}
