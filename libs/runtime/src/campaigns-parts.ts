import { partitionForCustomer, type LoggedEvent } from '@kairos/contracts';
import { CircuitBreakerBoard, loadActionCatalogFile, type ActionCatalog, type CapacityLimit, type CapacityPort } from '@kairos/decisioning';
import { ChannelCapacity, DEFAULT_CHANNEL_CAPACITY, LiveCampaignBook, parseChannelCapacity, registerCapacityMetrics, type CampaignBook, type CapacityItem } from '@kairos/decisioning-service';
import { CampaignLedgerRepository } from '@kairos/persistence';
import type { KairosRuntime } from './kairos-runtime';

export interface CampaignsOptions {
  /** The action catalog decisions use (default: governance/actions.json). Pass the same instance the decision core has. */
  readonly catalog?: ActionCatalog;
  /** Channel capacity of this process (default: DEFAULT_CHANNEL_CAPACITY). */
  readonly capacity?: readonly CapacityLimit[];
  /** How often the campaign book writes its increments and re-reads the shared counts (ms). */
  readonly syncEveryMs?: number;
  readonly clock?: () => number;
}

/** Campaigns and channel breakers of one process, for the decision core and the partition worker. */
export interface CampaignsParts {
  readonly catalog: ActionCatalog;
  /** `CampaignBook` of the decision core (stateOf for the bandit, recordExposures after each served decision). */
  readonly book: CampaignBook & LiveCampaignBook;
  /** For `runtime.worker.onApplied(...)`: credits campaign goals from the applied records. */
  readonly onApplied: (partition: number, records: readonly LoggedEvent[], store: unknown) => void;
  /** The `capacity` port of `decide()`. */
  readonly capacity: CapacityPort;
  readonly board: CircuitBreakerBoard<CapacityItem>;
  /** The breakers with admission of outbound actions (`admit`), deferred releases (`onRelease`) and state. */
  readonly breakers: ChannelCapacity;
  /** Writes what is pending and stops the timers. */
  close(): Promise<void>;
}

const opened = new WeakMap<KairosRuntime, Promise<CampaignsParts>>();

/**
 * The campaigns of a process, opened once per runtime: the first call decides the options, later calls (the HTTP
 * wiring, the decision core) get the same parts, so the book the bandit reads is the one /v1/campaigns shows and
 * the breakers the decisions consult are the ones /metrics reports.
 */
export function openCampaigns(runtime: KairosRuntime, options: CampaignsOptions = {}): Promise<CampaignsParts> {
  let parts = opened.get(runtime);
  if (!parts) {
    parts = build(runtime, options);
    opened.set(runtime, parts);
    parts.catch(() => opened.delete(runtime));
  }
  return parts;
}

/** Closes the campaigns of a runtime if they were opened (call before the runtime's database closes). */
export async function closeCampaigns(runtime: KairosRuntime): Promise<void> {
  const parts = opened.get(runtime);
  if (!parts) return;
  opened.delete(runtime);
  await (await parts).close();
}

async function build(runtime: KairosRuntime, options: CampaignsOptions): Promise<CampaignsParts> {
  const catalog = options.catalog ?? loadActionCatalogFile();
  const clock = options.clock ?? Date.now;
  const partitions = runtime.config.partitions;
  const book = new LiveCampaignBook({
    campaigns: catalog.campaigns,
    store: new CampaignLedgerRepository(runtime.database),
    partitionOf: (customerId) => partitionForCustomer(customerId, partitions),
    logger: runtime.logger.child({ component: 'campaigns' }),
    clock,
    ...(options.syncEveryMs ? { syncEveryMs: options.syncEveryMs } : {}),
  });
  await book.start();
  const breakers = new ChannelCapacity(parseChannelCapacity(options.capacity ?? DEFAULT_CHANNEL_CAPACITY), clock);
  registerCapacityMetrics(runtime.metrics.registry, breakers);
  breakers.start();
  return {
    catalog,
    book,
    onApplied: book.onApplied,
    capacity: breakers.port,
    board: breakers.board,
    breakers,
    close: async () => {
      breakers.stop();
      await book.close();
    },
  };
}
