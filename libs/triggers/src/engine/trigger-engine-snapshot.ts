import { KairosError } from '@kairos/contracts';
import { z } from 'zod';
import type { RecentFire } from './fired-trigger';

export const TRIGGER_SNAPSHOT_FORMAT = 1;

/** A partition's trigger state as plain data. Stored beside the profile snapshot, at the same offset. */
export interface TriggerEngineSnapshot {
  readonly format: typeof TRIGGER_SNAPSHOT_FORMAT;
  readonly partition: number;
  readonly lastAppliedOffset: number;
  readonly lastTickMs: number | null;
  readonly triggers: readonly {
    readonly id: string;
    readonly fingerprint: string;
    readonly state: unknown;
    readonly ledger: readonly (readonly [string, number])[];
  }[];
  readonly recent: readonly (readonly [string, readonly RecentFire[]])[];
}

const recentFireSchema = z.strictObject({
  triggerId: z.string(),
  occasionId: z.string(),
  firedAtMs: z.number().finite(),
  validUntilMs: z.number().finite(),
});

const snapshotSchema = z.strictObject({
  format: z.literal(TRIGGER_SNAPSHOT_FORMAT),
  partition: z.number().int().min(0),
  lastAppliedOffset: z.number().int().min(-1),
  lastTickMs: z.number().finite().nullable(),
  triggers: z.array(
    z.strictObject({
      id: z.string().min(1),
      fingerprint: z.string().min(1),
      state: z.unknown(),
      ledger: z.array(z.tuple([z.string(), z.number().finite()])),
    }),
  ),
  recent: z.array(z.tuple([z.string(), z.array(recentFireSchema)])),
});

export function encodeTriggerSnapshot(snapshot: TriggerEngineSnapshot): Uint8Array {
  return Buffer.from(JSON.stringify(snapshot), 'utf8');
}

/** VALIDATION_FAILED when the bytes are not a trigger snapshot of a known format: fall back to a replay. */
export function decodeTriggerSnapshot(bytes: Uint8Array): TriggerEngineSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'trigger snapshot is unreadable or of an unknown format');
  return parsed.data as TriggerEngineSnapshot;
}
