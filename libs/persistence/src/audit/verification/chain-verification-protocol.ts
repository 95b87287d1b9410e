import type { ChainOutcome, ChainProofs } from '@kairos/audit';
import type { ClientConfig } from 'pg';

/** The pg connection settings a verification thread opens its own client with (TypeORM's, passed on as they are). */
export interface PostgresReadSettings {
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  readonly ssl?: ClientConfig['ssl'];
}

/** Where a verification thread reads the chains from: a connection of its own, never the main thread's. */
export type ChainReadSource =
  | { readonly dialect: 'sqlite'; readonly file: string; readonly busyTimeoutMs: number }
  | { readonly dialect: 'postgres'; readonly connection: PostgresReadSettings };

/** workerData of a verification thread. */
export interface ChainVerificationSettings {
  readonly source: ChainReadSource;
  /** The records table, quoted and schema-qualified. */
  readonly recordsTable: string;
  /** Rows per page unless a request names its own. */
  readonly pageSize: number;
}

export interface ChainVerificationRequest {
  readonly taskId: number;
  readonly chain: number;
  readonly proofs: ChainProofs | undefined;
  /** Rows per page, when the verifier asked for a size; else the thread's default. */
  readonly pageSize: number | undefined;
}

export type ChainVerificationReply =
  /** The thread loaded its code and opened its connection (a failed opening is retried on the first chain). */
  | { readonly kind: 'ready' }
  | { readonly kind: 'verified'; readonly taskId: number; readonly outcome: ChainOutcome }
  /** Reading failed (connection lost, table missing): the chain was not checked. The message names no record content. */
  | { readonly kind: 'failed'; readonly taskId: number; readonly message: string };
