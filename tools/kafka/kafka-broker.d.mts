/** Types for tools/kafka/kafka-broker.mjs, so TypeScript tests can start a broker. */
export declare const KAFKA_VERSION: string;

export interface StartBrokerOptions {
  /** Client listener port (default KAIROS_KAFKA_PORT or 39092). */
  readonly port?: number;
  /** KRaft controller listener port (default port + 1). */
  readonly controllerPort?: number;
  /** Data dir; a new temp dir (removed by `stop()`) when omitted. */
  readonly dataDir?: string;
  /** Default partitions of topics created without a count (default 12). */
  readonly partitions?: number;
  readonly timeoutMs?: number;
  /** C1-only JVM: about half the start-up CPU, lower peak throughput; for short-lived test brokers. */
  readonly quickStart?: boolean;
  /** Let the broker outlive this process (the CLI does). */
  readonly detached?: boolean;
}

export interface RunningBroker {
  /** `127.0.0.1:PORT`, for kafkajs `brokers`. */
  readonly brokers: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  stop(): Promise<number | null>;
}

export declare function cacheDir(): string;
export declare function ensureBrokerJars(): string;
export declare function startBroker(options?: StartBrokerOptions): Promise<RunningBroker>;
export declare function stopBroker(dataDir: string, options?: { timeoutMs?: number; removeDataDir?: boolean }): Promise<number | null>;
