import { KairosError } from '@kairos/contracts';
import { Admin, ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { sleep } from './kafka-connection';

const READ_BACK_ATTEMPTS = 50;

/**
 * Segments roll at least this often, so an expired record waits at most this long (plus the broker's
 * `log.retention.check.interval.ms`) for deletion: the broker deletes whole closed segments only, and with the
 * broker default of 7 days a record could outlive its window by a week.
 */
export const MAX_SEGMENT_MS = 24 * 60 * 60 * 1000;

export interface TopicRetentionChange {
  readonly topic: string;
  /** `retention.ms` as read back from the broker after the change. */
  readonly retentionMs: number;
  readonly previousRetentionMs: number | null;
}

interface TopicConfigEntry {
  readonly value: string | null;
  /** Set on the topic itself (not inherited from the broker or the default). */
  readonly topicLevel: boolean;
  readonly sensitive: boolean;
}

/** The topic's configuration as the broker reports it. */
export async function describeTopicConfig(admin: Admin, topic: string): Promise<ReadonlyMap<string, TopicConfigEntry>> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
  const resource = resources[0];
  if (!resource || resource.errorCode !== 0) {
    throw new KairosError('LOG_UNAVAILABLE', `describing topic ${topic} failed: ${resource?.errorMessage ?? 'no answer'}`, [], 1);
  }
  return new Map(
    resource.configEntries.map((entry) => [
      entry.configName,
      { value: entry.configValue, topicLevel: entry.configSource === ConfigSource.TOPIC_CONFIG, sensitive: entry.isSensitive },
    ]),
  );
}

/** The `retention.ms` in force for the topic (topic-level or inherited); null when the broker keeps records forever (-1). */
export async function topicRetentionMs(admin: Admin, topic: string): Promise<number | null> {
  const value = (await describeTopicConfig(admin, topic)).get('retention.ms')?.value;
  const ms = value === undefined || value === null ? NaN : Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/**
 * Makes the topic keep records for `retentionMs` and proves it by reading the value back.
 *
 * kafkajs speaks only the legacy AlterConfigs request, which REPLACES the topic's whole set of topic-level
 * settings: every setting not sent reverts to the broker default. So the current topic-level settings are read
 * first and sent back unchanged beside ours. A topic with a sensitive topic-level setting (its value is never
 * disclosed, so it could not be sent back) is refused rather than silently reset.
 */
export async function alignTopicRetention(admin: Admin, topic: string, retentionMs: number): Promise<TopicRetentionChange> {
  if (!Number.isSafeInteger(retentionMs) || retentionMs < 1) throw new KairosError('INTERNAL', `retention of ${retentionMs} ms is not a positive whole number`);
  const current = await describeTopicConfig(admin, topic);
  const previous = current.get('retention.ms')?.value;
  const wanted = new Map<string, string>();
  for (const [name, entry] of current) {
    if (!entry.topicLevel) continue;
    if (entry.sensitive || entry.value === null) {
      throw new KairosError('INTERNAL', `topic ${topic} has the sensitive setting ${name}; set retention.ms with an incremental admin tool instead`);
    }
    wanted.set(name, entry.value);
  }
  wanted.set('retention.ms', String(retentionMs));
  const segmentMs = Number(current.get('segment.ms')?.value ?? NaN);
  const boundedSegment = Math.min(MAX_SEGMENT_MS, retentionMs);
  if (!(segmentMs <= boundedSegment)) wanted.set('segment.ms', String(boundedSegment));

  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...wanted].map(([name, value]) => ({ name, value })) }],
  });
  // The change travels through the controller's metadata log: a broker may answer with the old value briefly.
  let applied = await topicRetentionMs(admin, topic);
  for (let attempt = 0; applied !== retentionMs && attempt < READ_BACK_ATTEMPTS; attempt++) {
    await sleep(100);
    applied = await topicRetentionMs(admin, topic);
  }
  if (applied !== retentionMs) {
    throw new KairosError('LOG_UNAVAILABLE', `topic ${topic} reports retention.ms ${applied} after it was set to ${retentionMs}`, [], 1);
  }
  const previousMs = previous === undefined || previous === null ? null : Number(previous);
  return { topic, retentionMs: applied, previousRetentionMs: previousMs !== null && Number.isFinite(previousMs) && previousMs >= 0 ? previousMs : null };
}
