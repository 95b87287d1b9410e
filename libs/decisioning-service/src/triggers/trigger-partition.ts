import { PartitionProfileStore, SnapshotIncompatibleError, profileOf } from '@kairos/profile';
import { FiredTrigger, InMemoryTimerStore, TriggerEngine, TriggerSet, decodeTriggerSnapshot, encodeTriggerSnapshot } from '@kairos/triggers';
import { z } from 'zod';
import { TraceStageSink, TriggerTraceLog } from './trigger-trace-log';

/** A fire whose effects (audit record, decision, outbox) are not all durable yet. */
export interface PendingFire {
  readonly fire: FiredTrigger;
  audited: boolean;
}

export interface TriggerPartitionOptions {
  readonly partition: number;
  readonly triggers: TriggerSet;
  readonly store: PartitionProfileStore;
  readonly defaultTimeZone: string;
  readonly tracedEvents: number;
  /** Where trace stages worth keeping past a restart go; default: memory only. */
  readonly traceSink?: TraceStageSink;
}

/** Blob format of the `triggers` snapshot extension: engine state, durable timers and fires still in flight. */
const BLOB_FORMAT = 1;
const pendingSchema = z.array(z.strictObject({ fire: z.record(z.string(), z.unknown()), audited: z.boolean() }));

/**
 * One owned partition's trigger state: its engine, its durable timers, the fires whose effects are not yet durable
 * and the recent trace. The pending fires travel in the snapshot too: a snapshot taken after a failed outbox write
 * still carries the fire, so a restart drives it again instead of losing it.
 */
export class TriggerPartition {
  readonly timers = new InMemoryTimerStore();
  readonly engine: TriggerEngine;
  readonly traces: TriggerTraceLog;
  pending: PendingFire[] = [];
  /** The settle under way (fires being audited, decided and emitted), if any; settles run one after another. */
  settling: Promise<void> | null = null;

  constructor(readonly options: TriggerPartitionOptions) {
    this.engine = new TriggerEngine({
      partition: options.partition,
      triggers: options.triggers,
      registry: options.store.registry,
      timers: this.timers,
      profiles: (customerId) => profileOf(this.options.store, customerId),
      defaultTimeZone: options.defaultTimeZone,
    });
    this.traces = new TriggerTraceLog(options.tracedEvents, options.traceSink);
  }

  get store(): PartitionProfileStore {
    return this.options.store;
  }

  /** Trigger state restored from a snapshot blob, or started fresh (calendar index built from the profiles). */
  static restore(options: TriggerPartitionOptions, data: Uint8Array | null): TriggerPartition {
    const state = new TriggerPartition(options);
    if (data === null) {
      state.engine.indexProfiles(options.store);
      return state;
    }
    try {
      const [header, engine, timers, pending] = unpack(data);
      if (header.length !== 1 || header[0] !== BLOB_FORMAT) throw new Error(`blob format ${header[0]}`);
      state.timers.decode(options.partition, timers);
      state.engine.restore(decodeTriggerSnapshot(engine));
      state.pending = pendingSchema.parse(JSON.parse(Buffer.from(pending).toString('utf8'))) as unknown as PendingFire[];
    } catch (error) {
      // An unreadable trigger state must not become a state: the worker falls back to an older snapshot or a replay.
      throw new SnapshotIncompatibleError(`trigger state unreadable (${error instanceof Error ? error.message : String(error)})`);
    }
    return state;
  }

  capture(): Uint8Array {
    const pending = Buffer.from(JSON.stringify(this.pending), 'utf8');
    return pack([Uint8Array.of(BLOB_FORMAT), encodeTriggerSnapshot(this.engine.snapshot()), this.timers.encode(this.options.partition), pending]);
  }
}

function pack(parts: readonly Uint8Array[]): Uint8Array {
  const out = Buffer.alloc(parts.reduce((sum, part) => sum + 4 + part.length, 0));
  let at = 0;
  for (const part of parts) {
    at = out.writeUInt32LE(part.length, at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function unpack(bytes: Uint8Array): Uint8Array[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < buffer.length) {
    const length = buffer.readUInt32LE(at);
    if (at + 4 + length > buffer.length) throw new Error('part runs past the end');
    parts.push(buffer.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (parts.length !== 4) throw new Error(`${parts.length} parts instead of 4`);
  return parts;
}
