import type { RuleSetHead, RuleSetHistoryEntry, RuleSetVersionRecord } from '@kairos/persistence';
import type { RuleSetValidation } from '../rule-set/rule-set-validation';

/** What compiling a version found, stored with it so listings need no recompile. */
export interface RuleSetMetadata {
  readonly decisions: readonly { readonly id: string; readonly name: string; readonly tableId: string; readonly inputs: readonly string[] }[];
  readonly inputs: readonly string[];
  readonly validation: RuleSetValidation;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface RuleSetView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly status: string;
  readonly latestVersion: number;
  readonly deployedVersion: number | null;
  readonly authorId: string;
  readonly submittedBy: string | null;
  readonly approvedBy: string | null;
  readonly deployedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deployedAt: string | null;
  readonly retiredAt: string | null;
  readonly decisions: RuleSetMetadata['decisions'];
  readonly inputs: readonly string[];
  readonly findings: RuleSetValidation['findings'];
  readonly testResults: RuleSetValidation['testResults'];
  readonly testCases: number;
  readonly history?: readonly RuleSetHistoryEntry[];
}

export function ruleSetView(row: RuleSetVersionRecord, head: RuleSetHead | null, history?: readonly RuleSetHistoryEntry[]): RuleSetView {
  const metadata = JSON.parse(row.metadata) as RuleSetMetadata;
  return {
    id: row.ruleSetId,
    name: row.name,
    version: row.version,
    status: row.status,
    latestVersion: head?.latestVersion ?? row.version,
    deployedVersion: head?.deployedVersion ?? null,
    authorId: row.authorId,
    submittedBy: row.submittedBy,
    approvedBy: row.approvedBy,
    deployedBy: row.deployedBy,
    createdAt: iso(row.createdAtMs)!,
    updatedAt: iso(row.updatedAtMs)!,
    deployedAt: iso(row.deployedAtMs),
    retiredAt: iso(row.retiredAtMs),
    decisions: metadata.decisions,
    inputs: metadata.inputs,
    findings: metadata.validation.findings,
    testResults: metadata.validation.testResults,
    testCases: (JSON.parse(row.testCases) as unknown[]).length,
    ...(history ? { history } : {}),
  };
}

/** The list row: no findings or tests, just where each rule set stands. */
export function ruleSetSummary(row: RuleSetVersionRecord, head: RuleSetHead) {
  return {
    id: row.ruleSetId,
    name: row.name,
    latestVersion: head.latestVersion,
    latestStatus: row.status,
    deployedVersion: head.deployedVersion,
    authorId: row.authorId,
    updatedAt: new Date(row.updatedAtMs).toISOString(),
  };
}
export type RuleSetSummary = ReturnType<typeof ruleSetSummary>;
