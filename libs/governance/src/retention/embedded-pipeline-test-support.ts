/**
 * Specs only: the embedded event log with a real partition worker folding it into profiles and snapshotting them
 * into the given database — the state pipeline of `npm start`, without HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { PartitionStateExtension, PartitionWorker } from '@kairos/customer-state';
import { EmbeddedEventLog, LogConsumer } from '@kairos/event-log';
import { KairosMetrics, createLogger } from '@kairos/observability';
import { PartitionSnapshotRepository } from '@kairos/persistence';
import { defaultFeatureRegistry } from '@kairos/profile';

export interface EmbeddedPipeline {
  readonly log: EmbeddedEventLog;
  readonly worker: PartitionWorker;
  readonly consumer: LogConsumer;
  /** Resolves once every appended event is applied (and snapshotted, when the batch reached snapshotEveryEvents). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmbeddedPipeline(options: {
  readonly dataSource: DataSource;
  readonly partitions: number;
  readonly snapshotEveryEvents: number;
  readonly clock?: () => number;
  /** Registered before the worker is assigned its partitions (trigger-like per-customer state). */
  readonly extensions?: readonly PartitionStateExtension[];
}): Promise<EmbeddedPipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-pipeline-'));
  const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: options.partitions, synchronous: 'normal' });
  const worker = new PartitionWorker({
    registry: defaultFeatureRegistry(),
    snapshots: new PartitionSnapshotRepository(options.dataSource),
    metrics: new KairosMetrics({ collectProcessMetrics: false }),
    logger: createLogger({ level: 'silent' }),
    snapshotEveryEvents: options.snapshotEveryEvents,
    snapshotEveryMs: 3_600_000,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  for (const extension of options.extensions ?? []) worker.addStateExtension(extension);
  const consumer = await log.consume('pipeline-workers', worker);
  worker.attach(consumer);
  return {
    log,
    worker,
    consumer,
    drained: async () => {
      await (consumer as unknown as { drained(): Promise<void> }).drained();
      await worker.snapshotsWritten();
    },
    close: async () => {
      await worker.stop();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
