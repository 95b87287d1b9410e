import { Kafka, logLevel } from 'kafkajs';

export interface CommittedOffsetWatch {
  /** Stops sampling; returns every time a partition's committed offset went backwards, and the samples taken. */
  stop(): Promise<{ readonly regressions: readonly string[]; readonly samples: number }>;
}

/**
 * Samples a consumer group's committed offsets while a chaos test runs (D1: "committed offset monotonic per
 * partition"). A commit that moves backwards would make a restarted worker re-apply records its snapshot already
 * holds, or — worse, if a snapshot lagged behind — skip some.
 */
export async function watchCommittedOffsets(options: { brokers: string[]; groupId: string; topic: string; everyMs?: number }): Promise<CommittedOffsetWatch> {
  const admin = new Kafka({ clientId: 'kairos-offset-watch', brokers: options.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const highest = new Map<number, number>();
  const regressions: string[] = [];
  let samples = 0;
  let running = true;

  const sampleOnce = async () => {
    const groups = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
    for (const { partition, offset } of groups.flatMap((group) => group.partitions)) {
      const committed = Number(offset);
      if (committed < 0) continue; // -1: nothing committed yet
      const before = highest.get(partition) ?? -1;
      if (committed < before) regressions.push(`partition ${partition}: committed offset went from ${before} back to ${committed}`);
      highest.set(partition, Math.max(before, committed));
    }
    samples++;
  };

  const loop = (async () => {
    while (running) {
      // The broker may be busy with a rebalance; a failed sample is skipped, not a verdict.
      await sampleOnce().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 200));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      await sampleOnce().catch(() => undefined);
      await admin.disconnect();
      return { regressions, samples };
    },
  };
}
