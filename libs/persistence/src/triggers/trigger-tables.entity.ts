import { EntitySchema } from 'typeorm';
import { Dialect, int64Column } from '../dialect';

/** draft → review → approved (four eyes) → deployed → retired; rollback brings a retired, once-deployed version back. */
export const TRIGGER_SET_STATUSES = ['draft', 'review', 'approved', 'deployed', 'retired'] as const;
export type TriggerSetStatus = (typeof TRIGGER_SET_STATUSES)[number];

/**
 * One version of the platform's trigger document, authored over HTTP. `document` is the validated JSON
 * (`{ version, triggers }`); at most one row is `deployed`. `rowVersion` guards every step against a concurrent one.
 */
export interface TriggerSetVersionRow {
  version: number;
  status: TriggerSetStatus;
  document: string;
  authorId: string;
  submittedBy: string | null;
  approvedBy: string | null;
  deployedBy: string | null;
  /** Whoever changed the document last: four eyes keep them from approving it too. */
  lastEditorId: string;
  rowVersion: number;
  createdAtMs: number;
  updatedAtMs: number;
  /** Last time this version went live (null: never deployed): rollback looks for the one deployed before. */
  deployedAtMs: number | null;
}

/**
 * A trace stage of one event, written by the trigger runtime in batches. Holds event, trigger, occasion, decision
 * and action ids only — never a customer id or personal data. Bounded by the retention job (`trigger_traces`).
 */
export interface TriggerTraceRow {
  id?: number;
  eventId: string;
  partition: number;
  stage: string;
  /** ISO time of the stage, or null (an evaluation has no time of its own). */
  at: string | null;
  /** The stage's detail as JSON (ids and counts). */
  detail: string;
  recordedAtMs: number;
}

/** Tables of the triggers area: authored trigger-set versions and the persisted trigger trace. */
export function triggersEntities(dialect: Dialect): EntitySchema[] {
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<TriggerSetVersionRow>({
      name: 'TriggerSetVersion',
      tableName: 'trigger_set_versions',
      columns: {
        version: { type: 'integer', primary: true },
        status: { type: 'varchar', length: 16 },
        document: { type: 'text' },
        authorId: { name: 'author_id', type: 'varchar', length: 128 },
        submittedBy: { name: 'submitted_by', type: 'varchar', length: 128, nullable: true },
        approvedBy: { name: 'approved_by', type: 'varchar', length: 128, nullable: true },
        deployedBy: { name: 'deployed_by', type: 'varchar', length: 128, nullable: true },
        lastEditorId: { name: 'last_editor_id', type: 'varchar', length: 128 },
        rowVersion: { name: 'row_version', type: 'integer' },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
        deployedAtMs: { name: 'deployed_at_ms', ...int64, nullable: true },
      },
    }),
    new EntitySchema<TriggerTraceRow>({
      name: 'TriggerTrace',
      tableName: 'trigger_traces',
      columns: {
        id: { ...int64, primary: true, generated: 'increment' },
        eventId: { name: 'event_id', type: 'varchar', length: 128 },
        partition: { type: 'integer' },
        stage: { type: 'varchar', length: 32 },
        at: { type: 'varchar', length: 32, nullable: true },
        detail: { type: 'text' },
        recordedAtMs: { name: 'recorded_at_ms', ...int64 },
      },
      indices: [
        { name: 'idx_trigger_traces_event', columns: ['eventId'] },
        { name: 'idx_trigger_traces_recorded', columns: ['recordedAtMs'] },
      ],
    }),
  ];
}
