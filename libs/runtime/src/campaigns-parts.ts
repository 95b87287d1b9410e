import { partitionForCustomer, type LoggedEvent } from '@kairos/contracts';
import { LiveActionCatalog, loadActionCatalogFile, type ActionCatalog, type CapacityLimit, type CapacityPort } from '@kairos/decisioning';
import { ContentCatalog, loadContentPolicyFile } from '@kairos/content-service';
import {
  CampaignAudience,
  CampaignSendJob,
  CampaignSendMetrics,
  DEFAULT_CHANNEL_CAPACITY,
  LiveCampaignBook,
  ServableContentSource,
  ServedCampaigns,
  SharedChannelBudget,
  parseChannelCapacity,
  registerCapacityMetrics,
  type ActionSink,
  type CampaignBook,
  type CampaignLifecycleOptions,
  type CampaignSimulationOptions,
  type ContactHistory,
  type DecisionMaker,
  type ScoreSource,
} from '@kairos/decisioning-service';
import { CampaignLedgerRepository, CampaignSendRepository, CampaignVersionRepository, ChannelCapacityWindowRepository, ContentDraftRepository } from '@kairos/persistence';
import type { KairosRuntime } from './kairos-runtime';

export interface CampaignsOptions {
  /** The base action catalog (default: governance/actions.json); approved authored campaigns are added to it live. */
  readonly catalog?: ActionCatalog;
  /** How often the active authored campaign versions are re-read (ms, default 1 s). */
  readonly campaignsPollMs?: number;
  /** Channel capacity of the whole cluster (default: DEFAULT_CHANNEL_CAPACITY). */
  readonly capacity?: readonly CapacityLimit[];
  /** How often the capacity budget re-reads the other processes' use (ms, default 1 s). */
  readonly capacityRefreshMs?: number;
  /** How often the campaign book writes its increments and re-reads the shared counts (ms). */
  readonly syncEveryMs?: number;
  readonly clock?: () => number;
}

/** Campaigns and the channel capacity budget of one process, for the decision core, the outbox and the worker. */
export interface CampaignsParts {
  /**
   * The catalog every module of the process serves from: the base catalog plus the active authored campaigns,
   * swapped while the process runs. Give this one (not `.base`) to the decision core, triggers and outbox.
   */
  readonly catalog: LiveActionCatalog;
  /** Keeps `catalog` in step with the campaign version table (polls; refreshed at once after a change here). */
  readonly served: ServedCampaigns;
  /** `CampaignBook` of the decision core (stateOf for the bandit, recordExposures after each served decision). */
  readonly book: CampaignBook & LiveCampaignBook;
  /** For `runtime.worker.onApplied(...)`: credits campaign goals from the applied records. */
  readonly onApplied: (partition: number, records: readonly LoggedEvent[], store: unknown) => void;
  /** The `capacity` port of `decide()`. */
  readonly capacity: CapacityPort;
  /** The cluster-wide channel budget: `admit` for the outbox dispatcher, `states` for /v1/capacity and /metrics. */
  readonly budget: SharedChannelBudget;
  /** Writes what is pending and stops the timers. */
  close(): Promise<void>;
}

const opened = new WeakMap<KairosRuntime, Promise<CampaignsParts>>();

/**
 * The campaigns of a process, opened once per runtime: the first call decides the options, later calls (the HTTP
 * wiring, the decision core) get the same parts, so the book the bandit reads is the one /v1/campaigns shows and
 * the budget the decisions consult is the one /metrics reports.
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
  const base = options.catalog ?? loadActionCatalogFile();
  const catalog = base instanceof LiveActionCatalog ? base : new LiveActionCatalog(base);
  const clock = options.clock ?? Date.now;
  const partitions = runtime.config.partitions;
  const served = new ServedCampaigns({
    live: catalog,
    activeVersions: () => new CampaignVersionRepository(runtime.database).active(),
    isFeature: (name) => runtime.registry.has(name),
    logger: runtime.logger.child({ component: 'campaigns' }),
    ...(options.campaignsPollMs ? { pollIntervalMs: options.campaignsPollMs } : {}),
  });
  await served.start();
  const book = new LiveCampaignBook({
    // Grows as authored campaigns are approved (and keeps retired ones): their goals are credited like the catalog's.
    campaigns: catalog.attributable,
    store: new CampaignLedgerRepository(runtime.database),
    partitionOf: (customerId) => partitionForCustomer(customerId, partitions),
    logger: runtime.logger.child({ component: 'campaigns' }),
    clock,
    ...(options.syncEveryMs ? { syncEveryMs: options.syncEveryMs } : {}),
  });
  await book.start();
  const budget = new SharedChannelBudget(parseChannelCapacity(options.capacity ?? DEFAULT_CHANNEL_CAPACITY), new ChannelCapacityWindowRepository(runtime.database), clock);
  const logger = runtime.logger.child({ component: 'capacity' });
  await budget.refresh();
  registerCapacityMetrics(runtime.metrics.registry, budget);
  budget.start(options.capacityRefreshMs, (error) => logger.warn({ err: error.message }, 'channel capacity refresh failed; the next one retries'));
  return {
    catalog,
    served,
    book,
    onApplied: book.onApplied,
    capacity: budget.port,
    budget,
    close: async () => {
      await served.stop();
      budget.stop();
      await book.close();
    },
  };
}

/**
 * What campaign authoring needs from the process: the version table, the audit journal, the feature registry for
 * segment names, the content catalog through the reference bindings (variants must be approved, servable content)
 * and the simulation sources.
 */
export function campaignLifecycleOf(runtime: KairosRuntime): Omit<CampaignLifecycleOptions, 'catalog' | 'clock'> & Pick<CampaignSimulationOptions, 'sources'> {
  const servable = new ServableContentSource(new ContentCatalog(new ContentDraftRepository(runtime.database), loadContentPolicyFile()), runtime.decisioning.contentBindings);
  return {
    repository: new CampaignVersionRepository(runtime.database),
    audit: runtime.audit.journal,
    isFeature: (name) => runtime.registry.has(name),
    approvedVersions: (refs, atMs) => servable.approvedVersions(refs, atMs),
    // The rule-set simulation's sources: the same history, profiles and population a rule set is simulated over.
    sources: runtime.modules.rules.options.simulation,
  };
}

/** What the campaign send job needs from the decision modules built after the campaigns. */
export interface CampaignSendPorts {
  readonly decisions: DecisionMaker;
  readonly actions: ActionSink;
  /** Production model scores, for segments over `scores.*`. */
  readonly scores?: ScoreSource;
  /** The outbox's contact history, for "in another campaign within N days". */
  readonly contacts?: ContactHistory;
  /** Overrides KAIROS_CAMPAIGN_SEND_INTERVAL_MS (ms). */
  readonly intervalMs?: number;
  readonly clock?: () => number;
}

/**
 * The send job of outbound campaigns, attached to the partition worker: a newly assigned partition makes every
 * campaign due (its customers are new here), an erasure removes the customer's send rows. Start it with the worker
 * (it only sends to customers of owned partitions) and stop it before the database closes.
 */
export function openCampaignSends(runtime: KairosRuntime, parts: Pick<CampaignsParts, 'catalog'>, ports: CampaignSendPorts): CampaignSendJob {
  const sends = new CampaignSendRepository(runtime.database);
  const job = new CampaignSendJob({
    live: parts.catalog,
    partitions: runtime.worker,
    audience: new CampaignAudience({
      registry: runtime.registry,
      consentPolicy: runtime.governance.purposes.policy,
      catalog: parts.catalog,
      ...(ports.scores ? { scores: ports.scores } : {}),
      ...(ports.contacts ? { contacts: ports.contacts } : {}),
    }),
    decisions: ports.decisions,
    actions: ports.actions,
    sends,
    logger: runtime.logger.child({ component: 'campaign-sends' }),
    metrics: new CampaignSendMetrics(runtime.metrics.registry),
    intervalMs: ports.intervalMs ?? runtime.config.campaignSendIntervalMs,
    ...(ports.clock ? { clock: ports.clock } : {}),
  });
  runtime.worker.onPartitionsAssigned(() => job.nudge());
  runtime.worker.onApplied((_partition, records) => {
    const erased = records.flatMap(({ event }) => (event.type === 'customer_erased' ? [event.customerId] : []));
    return erased.length > 0 ? sends.forget(erased) : undefined;
  });
  return job;
}
