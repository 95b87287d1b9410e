import type { Logger } from '@kairos/observability';
import type { TriggerSetVersionRecord, TriggerSetVersionRepository } from '@kairos/persistence';
import type { TriggerSet } from '@kairos/triggers';

/** How often a process re-reads which trigger-set version is deployed (ms): a deploy elsewhere runs here within it. */
export const DEFAULT_SERVED_TRIGGER_SET_POLL_MS = 1_000;

/** The set a process runs: a stored version, or the seed document when none is deployed. */
export interface ServedTriggerSetState {
  /** Stored version number; null: the seed document. */
  readonly version: number | null;
  readonly set: TriggerSet;
}

export interface ServedTriggerSetOptions {
  readonly repository: Pick<TriggerSetVersionRepository, 'deployed'>;
  /** Compiles a stored document against this process's registry (throws VALIDATION_FAILED when it no longer does). */
  readonly compile: (document: unknown) => TriggerSet;
  /** What runs when no version is deployed (the seed document of @kairos/triggers, compiled). */
  readonly seed: TriggerSet;
  readonly logger: Logger;
  readonly pollIntervalMs?: number;
}

/** The runtime a served set is installed into (TriggerRuntime.deploy: swapped between batches, see there). */
export interface TriggerSetTarget {
  deploy(set: TriggerSet): void;
}

/**
 * Keeps a process's trigger runtime on the deployed trigger-set version: every poll reads the deployed row (one
 * small query) and, only when its version differs from the one running, compiles it and hot-deploys it. Every
 * process polls, so a deploy or rollback made on one runs on all within a poll; the process that made it refreshes
 * at once. A stored version that no longer compiles here (a feature left the registry) is not installed: the set
 * running stays, and the log says so.
 */
export class ServedTriggerSet {
  private timer: NodeJS.Timeout | null = null;
  /** Refreshes run one after another: a refresh asked for during a read reads again after it (it may predate a commit). */
  private queue: Promise<unknown> = Promise.resolve();
  private target: TriggerSetTarget | null = null;
  private state: ServedTriggerSetState;
  /** A deployed version that did not compile here: not tried (nor logged) again on every poll. */
  private refused: number | null = null;

  private constructor(
    private readonly options: ServedTriggerSetOptions,
    initial: ServedTriggerSetState,
  ) {
    this.state = initial;
  }

  /** Reads what is deployed now (at boot, before the runtime is built): the latest deployed version, else the seed. */
  static async load(options: ServedTriggerSetOptions): Promise<ServedTriggerSet> {
    const served = new ServedTriggerSet(options, { version: null, set: options.seed });
    served.state = served.compiled(await options.repository.deployed()) ?? served.state;
    return served;
  }

  get current(): ServedTriggerSetState {
    return this.state;
  }

  /** The runtime to hot-deploy into; it was built with `current.set`. */
  attach(target: TriggerSetTarget): void {
    this.target = target;
  }

  /** Reads the deployed version and installs it if it changed; true when it did. */
  refresh(): Promise<boolean> {
    const next = this.queue.then(() => this.refreshOnce());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Installs the deployed version, then polls until `stop` (each poll scheduled when the previous one ended). */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.refresh();
    this.poll();
  }

  /** Stops polling and waits for a read in flight (call before the database closes). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.queue;
  }

  private poll(): void {
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((error: Error) => this.options.logger.warn({ err: error.message }, 'reading the deployed trigger set failed; the next poll retries'))
        .finally(() => {
          if (this.timer) this.poll();
        });
    }, this.options.pollIntervalMs ?? DEFAULT_SERVED_TRIGGER_SET_POLL_MS);
    this.timer.unref();
  }

  private async refreshOnce(): Promise<boolean> {
    const row = await this.options.repository.deployed();
    const version = row?.version ?? null;
    if (version === this.state.version || (version !== null && version === this.refused)) return false;
    const next = row ? this.compiled(row) : { version: null, set: this.options.seed };
    if (!next) {
      this.refused = version;
      return false;
    }
    this.target?.deploy(next.set);
    this.state = next;
    this.options.logger.info({ version: next.version, documentVersion: next.set.version }, next.version === null ? 'no trigger set deployed: the seed triggers run' : 'deployed trigger set installed');
    return true;
  }

  private compiled(row: TriggerSetVersionRecord | null): ServedTriggerSetState | null {
    if (!row) return null;
    try {
      return { version: row.version, set: this.options.compile(JSON.parse(row.document) as unknown) };
    } catch (error) {
      this.options.logger.error({ version: row.version, err: (error as Error).message }, 'the deployed trigger set does not compile in this process; the running set stays');
      return null;
    }
  }
}
