import { z } from 'zod';

/**
 * Every setting of a Kairos process: environment variable, parser, default, a one-line description with its unit,
 * and whether it is sensitive (masked whenever the configuration is printed).
 */
export interface SettingDefinition<T> {
  readonly env: string;
  readonly schema: z.ZodType<T>;
  readonly description: string;
  readonly sensitive?: boolean;
}

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const KAIROS_SETTINGS = {
  nodeEnv: { env: 'NODE_ENV', schema: z.enum(['development', 'production', 'test']).default('development'), description: 'development enables demo API keys; production refuses them' },
  port: { env: 'PORT', schema: integer(0, 65535).default(3000), description: 'HTTP port (0 = any free port)' },
  host: { env: 'HOST', schema: z.string().min(1).default('127.0.0.1'), description: 'HTTP bind address' },
  dataDir: { env: 'KAIROS_DATA_DIR', schema: z.string().min(1).default('./.kairos'), description: 'directory of the embedded SQLite files (log, state)' },
  kafkaBrokers: {
    env: 'KAFKA_BROKERS',
    schema: z
      .string()
      .regex(/^[^,\s:]+:\d{1,5}(,[^,\s:]+:\d{1,5})*$/, 'must be a comma-separated list of host:port')
      .optional(),
    description: 'Kafka bootstrap brokers (host:port,…); switches the event log from embedded to Kafka',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL').optional(),
    description: 'PostgreSQL URL; switches storage from the embedded SQLite file to PostgreSQL',
    sensitive: true,
  },
  databaseSchema: { env: 'KAIROS_DB_SCHEMA', schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier').default('public'), description: 'PostgreSQL schema of the Kairos tables' },
  partitions: { env: 'KAIROS_PARTITIONS', schema: integer(1, 1024).default(12), description: 'number of customer partitions of the event log' },
  topic: { env: 'KAIROS_TOPIC', schema: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a valid Kafka topic name').default('kairos.customer-events'), description: 'Kafka topic of customer events' },
  sourceTopic: { env: 'KAIROS_SOURCE_TOPIC', schema: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a valid Kafka topic name').default('kairos.source-events'), description: 'Kafka topic upstream producers write event envelopes to' },
  consumerGroup: { env: 'KAIROS_CONSUMER_GROUP', schema: z.string().min(1).max(200).default('kairos-decisioning'), description: 'Kafka consumer group of the partition-owning workers' },
  kafkaSessionTimeoutMs: {
    env: 'KAIROS_KAFKA_SESSION_TIMEOUT_MS',
    schema: integer(6_000, 300_000).default(30_000),
    description: 'how long a silent worker keeps its partitions before the group moves them, in ms',
  },
  kafkaPartitionsConcurrently: {
    env: 'KAIROS_KAFKA_PARTITIONS_CONCURRENTLY',
    // Opt-in: with 12 the Kafka event-to-action p99 fell from 400 to 183 ms, but one of three D4 storm runs then
    // left a partition's last events unapplied; 1 keeps the one-batch-at-a-time fold D4 was proven with.
    schema: integer(1, 1024).default(1),
    description: 'owned partitions whose batches are folded at once (each partition stays in order); above 1 a batch waiting on its trigger decisions no longer holds up the others (experimental)',
  },
  snapshotEveryEvents: { env: 'KAIROS_SNAPSHOT_EVERY_EVENTS', schema: integer(1, 100_000_000).default(50_000), description: 'snapshot a partition after this many applied events' },
  snapshotEveryMs: { env: 'KAIROS_SNAPSHOT_EVERY_MS', schema: integer(100, 86_400_000).default(30_000), description: 'snapshot a changed partition at least this often, in ms' },
  lateEventToleranceMs: { env: 'KAIROS_LATE_EVENT_TOLERANCE_MS', schema: integer(0, 30 * 86_400_000).default(86_400_000), description: 'how late (by occurredAt) an event may arrive and still be folded into its window, in ms' },
  maxFutureSkewMs: { env: 'KAIROS_MAX_FUTURE_SKEW_MS', schema: integer(0, 86_400_000).default(300_000), description: 'how far occurredAt may lie in the future before an event is rejected, in ms' },
  durableSync: { env: 'KAIROS_SQLITE_SYNC', schema: z.enum(['full', 'normal']).default('full'), description: 'SQLite fsync mode of the embedded log: full survives power loss, normal only process crashes' },
  demoPopulation: { env: 'KAIROS_DEMO_POPULATION', schema: flag.default(true), description: 'load the demo population on first start (development only)' },
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), description: 'pino log level' },
  apiKeyPepper: {
    env: 'KAIROS_API_KEY_PEPPER',
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    description: 'secret mixed into API-key hashes at rest (required in production)',
    sensitive: true,
  },
  jwtIssuer: { env: 'KAIROS_JWT_ISSUER', schema: z.url().optional(), description: 'OIDC issuer (exact iss) whose JWTs humans may use; with KAIROS_JWT_AUDIENCE and KAIROS_JWT_JWKS_URL' },
  jwtAudience: { env: 'KAIROS_JWT_AUDIENCE', schema: z.string().min(1).max(200).optional(), description: 'aud a JWT must carry for this API' },
  jwtJwksUrl: { env: 'KAIROS_JWT_JWKS_URL', schema: z.url().optional(), description: "the identity provider's JWKS endpoint (signing keys)" },
  masterKey: {
    env: 'KAIROS_MASTER_KEY',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')
      .optional(),
    description: 'key-encryption key wrapping the per-customer data keys (crypto-shredding); embedded dev generates master.key in the data dir',
    sensitive: true,
  },
  auditSigningKeyFile: {
    env: 'KAIROS_AUDIT_SIGNING_KEY_FILE',
    schema: z.string().min(1).optional(),
    description: 'PEM file of the Ed25519 key signing audit checkpoints (never in the database); embedded dev generates one in the data dir',
  },
  auditCheckpointDir: {
    env: 'KAIROS_AUDIT_CHECKPOINT_DIR',
    schema: z.string().min(1).optional(),
    description: 'directory outside the database where signed audit checkpoints are appended (default: <data dir>/audit-checkpoints)',
  },
  auditCheckpointEveryMs: {
    env: 'KAIROS_AUDIT_CHECKPOINT_EVERY_MS',
    schema: integer(1_000, 86_400_000).default(60_000),
    description: 'sign a checkpoint over all audit chain heads at least this often, in ms',
  },
  retentionEveryMs: {
    env: 'KAIROS_RETENTION_EVERY_MS',
    schema: integer(60_000, 7 * 86_400_000).default(3_600_000),
    description: 'how often the retention job deletes data beyond its policy window, in ms',
  },
  llmBaseUrl: {
    env: 'KAIROS_LLM_BASE_URL',
    schema: z.url().optional(),
    description: 'OpenAI-compatible endpoint for drafting content (OpenAI, Azure OpenAI, vLLM, Ollama); unset = offline template drafter',
  },
  llmModel: { env: 'KAIROS_LLM_MODEL', schema: z.string().min(1).max(200).default('gpt-4o-mini'), description: 'model name sent to the drafting endpoint' },
  llmApiKey: { env: 'KAIROS_LLM_API_KEY', schema: z.string().min(1).optional(), description: 'API key of the drafting endpoint', sensitive: true },
  llmTimeoutMs: { env: 'KAIROS_LLM_TIMEOUT_MS', schema: integer(1_000, 300_000).default(30_000), description: 'timeout of one drafting request, in ms' },
  bodyLimitBytes: { env: 'KAIROS_BODY_LIMIT_BYTES', schema: integer(1024, 64 * 1024 * 1024).default(1024 * 1024), description: 'largest accepted request body, in bytes' },
  outboxWebhooks: {
    env: 'KAIROS_OUTBOX_WEBHOOKS',
    schema: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"email":"https://hooks.example.com/email"}' });
          return z.NEVER;
        }
      })
      .pipe(z.record(z.string().regex(/^[a-z_]{2,24}$/, 'must be a channel name'), z.url()))
      .optional(),
    description: 'outbound channels delivered by webhook: JSON {"<channel>":"<url>"}; hosts must be in KAIROS_OUTBOX_WEBHOOK_ALLOWED_HOSTS',
  },
  outboxWebhookSecret: { env: 'KAIROS_OUTBOX_WEBHOOK_SECRET', schema: z.string().min(16, 'must be at least 16 characters').optional(), description: 'HMAC-SHA256 key of the kairos-signature header of webhook calls', sensitive: true },
  outboxWebhookAllowedHosts: {
    env: 'KAIROS_OUTBOX_WEBHOOK_ALLOWED_HOSTS',
    schema: z.string().max(4000).transform((text) => text.split(',').map((host) => host.trim()).filter((host) => host.length > 0)).default([]),
    description: 'comma-separated host names webhooks may reach; each must resolve to public addresses only (SSRF guard)',
  },
  outboxWebhookAllowedAddresses: {
    env: 'KAIROS_OUTBOX_WEBHOOK_ALLOWED_ADDRESSES',
    schema: z.string().max(4000).transform((text) => text.split(',').map((address) => address.trim()).filter((address) => address.length > 0)).default([]),
    description: 'comma-separated non-public IP addresses webhooks may reach anyway (an internal gateway, a test receiver); exact match',
  },
  outboxTopicPrefix: { env: 'KAIROS_OUTBOX_TOPIC_PREFIX', schema: z.string().regex(/^[A-Za-z0-9._-]{1,180}$/, 'must be a valid Kafka topic prefix').default('kairos.actions.'), description: 'Kafka mode: actions of channel c go to topic <prefix>c' },
  outboxFault: { env: 'KAIROS_FAULT_OUTBOX', schema: z.string().max(200).optional(), description: 'test/dev only: crash the process at an outbox cut point, e.g. after-commit:n=1,after-publish:p=0.1 (ignored in production)' },
  advertisedUrl: { env: 'KAIROS_ADVERTISED_URL', schema: z.url().optional(), description: 'distributed mode: the base URL other processes forward requests for the partitions of this process to (default: the listening address)' },
  forwardTimeoutMs: { env: 'KAIROS_FORWARD_TIMEOUT_MS', schema: integer(100, 60_000).default(2_000), description: 'timeout of a request forwarded to the partition owner, in ms' },
  channelCapacity: {
    env: 'KAIROS_CHANNEL_CAPACITY',
    schema: z.string().max(20_000).optional(),
    description: 'capacity per outbound channel as JSON [{"channel","capacity","window","overflow":"defer|drop","maxDefer"}]; default: the built-in limits',
  },
  campaignSendIntervalMs: {
    env: 'KAIROS_CAMPAIGN_SEND_INTERVAL_MS',
    schema: integer(0, 86_400_000).default(60_000),
    description: 'how often each active outbound campaign is sent to its segment by the partition-owning workers, in ms (a newly approved campaign is sent at once); 0 = no send job, campaigns are served on request only',
  },
  rateLimitPerSecond: { env: 'KAIROS_RATE_LIMIT_PER_SECOND', schema: integer(0, 1_000_000).default(5_000), description: 'sustained requests per second per API key and process; 0 = no limit' },
  rateLimitBurst: { env: 'KAIROS_RATE_LIMIT_BURST', schema: integer(1, 10_000_000).default(10_000), description: 'requests an API key may send at once before the per-second limit applies' },
} as const satisfies Record<string, SettingDefinition<unknown>>;

type Settings = typeof KAIROS_SETTINGS;
export type KairosConfig = { readonly [K in keyof Settings]: z.infer<Settings[K]['schema']> };
