import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

/**
 * One version of a rule set: the DMN XML exactly as uploaded (so Camunda/bpmn.io tables export unchanged), what
 * compiling it found, its test cases and where it stands in the four-eyes lifecycle.
 */
export interface RuleSetVersionRow {
  ruleSetId: string;
  version: number;
  name: string;
  status: string;
  dmnXml: string;
  /** JSON: decisions, tables, inputs and findings of the last compile (for listings without recompiling). */
  metadata: string;
  /** JSON array of test cases. */
  testCases: string;
  authorId: string;
  submittedBy: string | null;
  approvedBy: string | null;
  deployedBy: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  deployedAtMs: number | null;
  retiredAtMs: number | null;
  /** Optimistic concurrency: every change names the row version it decided on. */
  rowVersion: number;
}

/** The append-only lifecycle journal of a rule set: every transition, who made it, when, and its audit record. */
export interface RuleSetHistoryRow {
  ruleSetId: string;
  sequence: number;
  version: number;
  transition: string;
  actorId: string;
  atMs: number;
  reason: string | null;
  auditRecordId: string | null;
}

/** Per rule set: the latest version and the one deployed now (null: none). */
export interface RuleSetHeadRow {
  ruleSetId: string;
  latestVersion: number;
  deployedVersion: number | null;
  changeSeq: number;
}

/** One row per counter; `deployments` grows with every change of what is deployed, so processes poll one value. */
export interface RuleSetCounterRow {
  name: string;
  value: number;
}

/** Tables of the rules area: rule-set versions, their journal, heads and the deployment counter. */
export function rulesEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<RuleSetVersionRow>({
      name: 'RuleSetVersion',
      tableName: 'rule_set_versions',
      columns: {
        ruleSetId: { name: 'rule_set_id', type: 'varchar', length: 100, primary: true },
        version: { type: 'integer', primary: true },
        name: { type: 'varchar', length: 200 },
        status: { type: 'varchar', length: 16 },
        dmnXml: { name: 'dmn_xml', type: types.text },
        metadata: { type: types.text },
        testCases: { name: 'test_cases', type: types.text },
        authorId: { name: 'author_id', type: 'varchar', length: 128 },
        submittedBy: { name: 'submitted_by', type: 'varchar', length: 128, nullable: true },
        approvedBy: { name: 'approved_by', type: 'varchar', length: 128, nullable: true },
        deployedBy: { name: 'deployed_by', type: 'varchar', length: 128, nullable: true },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
        deployedAtMs: { name: 'deployed_at_ms', ...int64, nullable: true },
        retiredAtMs: { name: 'retired_at_ms', ...int64, nullable: true },
        rowVersion: { name: 'row_version', type: 'integer' },
      },
      indices: [{ name: 'rule_set_versions_status', columns: ['status'] }],
    }),
    new EntitySchema<RuleSetHistoryRow>({
      name: 'RuleSetHistory',
      tableName: 'rule_set_history',
      columns: {
        ruleSetId: { name: 'rule_set_id', type: 'varchar', length: 100, primary: true },
        sequence: { type: 'integer', primary: true },
        version: { type: 'integer' },
        transition: { type: 'varchar', length: 24 },
        actorId: { name: 'actor_id', type: 'varchar', length: 128 },
        atMs: { name: 'at_ms', ...int64 },
        reason: { type: 'varchar', length: 500, nullable: true },
        auditRecordId: { name: 'audit_record_id', type: 'varchar', length: 128, nullable: true },
      },
    }),
    new EntitySchema<RuleSetHeadRow>({
      name: 'RuleSetHead',
      tableName: 'rule_set_heads',
      columns: {
        ruleSetId: { name: 'rule_set_id', type: 'varchar', length: 100, primary: true },
        latestVersion: { name: 'latest_version', type: 'integer' },
        deployedVersion: { name: 'deployed_version', type: 'integer', nullable: true },
        changeSeq: { name: 'change_seq', ...int64 },
      },
    }),
    new EntitySchema<RuleSetCounterRow>({
      name: 'RuleSetCounter',
      tableName: 'rule_set_counters',
      columns: {
        name: { type: 'varchar', length: 32, primary: true },
        value: { ...int64 },
      },
    }),
  ];
}
