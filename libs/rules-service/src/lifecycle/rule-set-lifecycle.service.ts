import { assertCan, subjectOf, type Principal } from '@kairos/access';
import { KairosError } from '@kairos/contracts';
import type { RuleSetChange, RuleSetVersionPatch, RuleSetVersionRecord } from '@kairos/persistence';
import { exportDmn } from '@kairos/rules';
import type { RulesCaller, RulesServiceOptions } from '../rules-options';
import { compileRuleSet, type CompiledRuleSet } from '../rule-set/compiled-rule-set';
import { OPEN_STATUSES, nextStatus, type RuleSetStatus, type RuleSetTransition } from '../rule-set/rule-set-status';
import type { RuleSetTestCase } from '../rule-set/rule-set-test-cases';
import { blockingIssues, failedTestIssues, validateRuleSet } from '../rule-set/rule-set-validation';
import { ruleSetAuditRecord } from './rule-set-audit';
import { RuleSetTestsFailedError, notFound } from './rule-set-errors';
import { ruleSetSummary, ruleSetView, type RuleSetMetadata, type RuleSetSummary, type RuleSetView } from './rule-set-view';

export interface CreateRuleSetCommand {
  readonly id: string;
  readonly name?: string;
  readonly dmnXml: string;
  readonly testCases: readonly RuleSetTestCase[];
}

export interface EditRuleSetCommand {
  readonly version: number;
  readonly name?: string;
  readonly dmnXml?: string;
  readonly testCases?: readonly RuleSetTestCase[];
}

export interface TransitionCommand {
  /** The version to act on; default: the one the transition applies to (latest draft, version in review, ...). */
  readonly version?: number;
  readonly reason?: string;
}

interface Compiled {
  readonly ruleSet: CompiledRuleSet;
  readonly metadata: RuleSetMetadata;
}

const ruleSetSubject = (row: RuleSetVersionRecord) =>
  subjectOf('RuleSet', { ruleSetId: row.ruleSetId, version: row.version, status: row.status, authorId: row.authorId, submittedBy: row.submittedBy });

/**
 * The rule-set lifecycle: draft → review → approved (four eyes) → deployed → retired, versioned, with one-call
 * rollback. Each step is audited before it is stored; deploy compiles and validates once, runs the test cases and
 * installs the compiled model in this process's RuleSource at once (other processes pick it up by polling).
 */
export class RuleSetLifecycleService {
  private readonly clock: () => number;

  constructor(private readonly options: RulesServiceOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async create(caller: RulesCaller, command: CreateRuleSetCommand): Promise<RuleSetView> {
    assertCan(caller.ability, 'create', 'RuleSet');
    const head = await this.options.repository.head(command.id);
    if (head) {
      const open = (await this.options.repository.versionsOf(command.id)).find((row) => (OPEN_STATUSES as readonly string[]).includes(row.status));
      if (open) throw new KairosError('CONFLICT', 'the rule set already has a version under way', [{ path: 'id', rule: 'open_version', message: `version ${open.version} is ${open.status}; edit, deploy or retire it first` }]);
    }
    const { metadata } = await this.compile(command.id, (head?.latestVersion ?? 0) + 1, command.dmnXml, command.testCases);
    const atMs = this.clock();
    const row = {
      ruleSetId: command.id,
      name: command.name ?? metadata.decisions[0]?.name ?? command.id,
      status: 'draft',
      dmnXml: command.dmnXml,
      metadata: JSON.stringify(metadata),
      testCases: JSON.stringify(command.testCases),
      authorId: caller.principal.id,
      submittedBy: null,
      approvedBy: null,
      deployedBy: null,
      createdAtMs: atMs,
      updatedAtMs: atMs,
      deployedAtMs: null,
      retiredAtMs: null,
    };
    const receipt = await this.options.audit.append(ruleSetAuditRecord('created', { ...row, version: (head?.latestVersion ?? 0) + 1, rowVersion: 0 }, caller.principal, atMs, { status: 'draft' }));
    const stored = await this.options.repository.createVersion(row, { transition: 'created', actorId: caller.principal.id, atMs, reason: null, auditRecordId: receipt.id });
    return this.view(stored);
  }

  async edit(caller: RulesCaller, ruleSetId: string, command: EditRuleSetCommand): Promise<RuleSetView> {
    const row = await this.versionOf(ruleSetId, command.version);
    assertCan(caller.ability, 'update', ruleSetSubject(row));
    nextStatus('edit', row.status);
    // Four eyes rest on the author: someone else's change is a new version with its own author.
    if (row.authorId !== caller.principal.id) throw forbidden('only the author edits a draft; create a new version instead');
    const dmnXml = command.dmnXml ?? row.dmnXml;
    const testCases = command.testCases ?? (JSON.parse(row.testCases) as RuleSetTestCase[]);
    const { metadata } = await this.compile(ruleSetId, row.version, dmnXml, testCases);
    const patch: RuleSetVersionPatch = { name: command.name ?? row.name, dmnXml, testCases: JSON.stringify(testCases), metadata: JSON.stringify(metadata) };
    return this.step(caller, row, 'edited', 'draft', patch, {});
  }

  async submit(caller: RulesCaller, ruleSetId: string, command: TransitionCommand): Promise<RuleSetView> {
    const row = await this.versionOf(ruleSetId, command.version, 'draft');
    assertCan(caller.ability, 'update', ruleSetSubject(row));
    const status = nextStatus('submit', row.status);
    const { metadata } = await this.compile(ruleSetId, row.version, row.dmnXml, JSON.parse(row.testCases) as RuleSetTestCase[]);
    const issues = blockingIssues(metadata.validation);
    if (issues.length > 0) throw new KairosError('VALIDATION_FAILED', 'the rule set has errors and cannot be submitted', issues);
    return this.step(caller, row, 'submitted', status, { submittedBy: caller.principal.id, metadata: JSON.stringify(metadata) }, { reason: command.reason });
  }

  async approve(caller: RulesCaller, ruleSetId: string, command: TransitionCommand): Promise<RuleSetView> {
    const row = await this.versionOf(ruleSetId, command.version, 'review');
    // Approving takes the right to deploy; roles.json may add a finer `approve` rule later (see the README).
    assertCan(caller.ability, 'deploy', ruleSetSubject(row));
    const status = nextStatus('approve', row.status);
    if (row.authorId === caller.principal.id || row.submittedBy === caller.principal.id) {
      throw forbidden('four eyes: the author or submitter of a rule set cannot approve it');
    }
    return this.step(caller, row, 'approved', status, { approvedBy: caller.principal.id }, { reason: command.reason });
  }

  async deploy(caller: RulesCaller, ruleSetId: string, command: TransitionCommand): Promise<RuleSetView> {
    const row = await this.versionOf(ruleSetId, command.version, 'approved');
    assertCan(caller.ability, 'deploy', ruleSetSubject(row));
    const status = nextStatus('deploy', row.status);
    const testCases = JSON.parse(row.testCases) as RuleSetTestCase[];
    const { ruleSet, metadata } = await this.compile(ruleSetId, row.version, row.dmnXml, testCases);
    const issues = blockingIssues(metadata.validation);
    if (issues.length > 0) throw new KairosError('VALIDATION_FAILED', 'the rule set has errors and cannot be deployed', issues);
    const failed = failedTestIssues(metadata.validation);
    if (failed.length > 0) throw new RuleSetTestsFailedError(failed);
    const previous = await this.deployedRow(ruleSetId);
    const atMs = this.clock();
    const patch: RuleSetVersionPatch = { status, deployedBy: caller.principal.id, deployedAtMs: atMs, metadata: JSON.stringify(metadata) };
    const receipt = await this.audit(caller.principal, 'deployed', { ...row, ...patch }, atMs, { status, reason: command.reason, previousVersion: previous?.version ?? null, testCases: testCases.length });
    const change: RuleSetChange = {
      ruleSetId,
      updates: [{ version: row.version, expectedRowVersion: row.rowVersion, patch: { ...patch, updatedAtMs: atMs } }, ...(previous ? [retirement(previous, atMs)] : [])],
      history: [
        ...(previous ? [{ version: previous.version, transition: 'superseded', actorId: caller.principal.id, atMs, reason: null, auditRecordId: receipt.id }] : []),
        { version: row.version, transition: 'deployed', actorId: caller.principal.id, atMs, reason: command.reason ?? null, auditRecordId: receipt.id },
      ],
      deployedVersion: row.version,
    };
    const counter = await this.options.repository.apply(change);
    this.options.source.install(ruleSet, counter);
    return this.view(await this.versionOf(ruleSetId, row.version));
  }

  async retire(caller: RulesCaller, ruleSetId: string, command: TransitionCommand): Promise<RuleSetView> {
    const row = command.version === undefined ? ((await this.deployedRow(ruleSetId)) ?? (await this.versionOf(ruleSetId))) : await this.versionOf(ruleSetId, command.version);
    assertCan(caller.ability, 'deploy', ruleSetSubject(row));
    const status = nextStatus('retire', row.status);
    const wasDeployed = row.status === 'deployed';
    const atMs = this.clock();
    const receipt = await this.audit(caller.principal, 'retired', row, atMs, { status, reason: command.reason });
    const counter = await this.options.repository.apply({
      ruleSetId,
      updates: [retirement(row, atMs)],
      history: [{ version: row.version, transition: 'retired', actorId: caller.principal.id, atMs, reason: command.reason ?? null, auditRecordId: receipt.id }],
      ...(wasDeployed ? { deployedVersion: null } : {}),
    });
    if (wasDeployed) this.options.source.remove(ruleSetId, counter);
    return this.view(await this.versionOf(ruleSetId, row.version));
  }

  /** One call: the deployed version is retired and the version deployed before it serves again. */
  async rollback(caller: RulesCaller, ruleSetId: string, command: TransitionCommand): Promise<RuleSetView> {
    const current = await this.deployedRow(ruleSetId);
    if (!current) throw new KairosError('CONFLICT', 'nothing is deployed to roll back', [{ path: 'id', rule: 'not_deployed', message: 'the rule set has no deployed version' }]);
    assertCan(caller.ability, 'deploy', ruleSetSubject(current));
    const previous = (await this.options.repository.versionsOf(ruleSetId)).find((row) => row.version < current.version && row.deployedAtMs !== null && row.status === 'retired');
    if (!previous) throw new KairosError('CONFLICT', 'no earlier deployed version to roll back to', [{ path: 'id', rule: 'no_previous_version', message: 'no earlier version of this rule set was deployed' }]);
    const { ruleSet } = await this.compile(ruleSetId, previous.version, previous.dmnXml, JSON.parse(previous.testCases) as RuleSetTestCase[]);
    const atMs = this.clock();
    const receipt = await this.audit(caller.principal, 'rolled_back', previous, atMs, { status: 'deployed', reason: command.reason, previousVersion: current.version });
    const counter = await this.options.repository.apply({
      ruleSetId,
      updates: [retirement(current, atMs), { version: previous.version, expectedRowVersion: previous.rowVersion, patch: { status: 'deployed', deployedBy: caller.principal.id, deployedAtMs: atMs, retiredAtMs: null, updatedAtMs: atMs } }],
      history: [
        { version: current.version, transition: 'rolled_back', actorId: caller.principal.id, atMs, reason: command.reason ?? null, auditRecordId: receipt.id },
        { version: previous.version, transition: 'restored', actorId: caller.principal.id, atMs, reason: command.reason ?? null, auditRecordId: receipt.id },
      ],
      deployedVersion: previous.version,
    });
    this.options.source.install(ruleSet, counter);
    return this.view(await this.versionOf(ruleSetId, previous.version));
  }

  async get(caller: RulesCaller, ruleSetId: string, version?: number): Promise<RuleSetView> {
    const row = await this.versionOf(ruleSetId, version);
    assertCan(caller.ability, 'read', ruleSetSubject(row));
    return this.view(row, true);
  }

  async list(caller: RulesCaller, limit: number, after?: string): Promise<{ items: RuleSetSummary[]; nextCursor: string | null }> {
    assertCan(caller.ability, 'read', 'RuleSet');
    const rows = await this.options.repository.list(limit, after);
    const last = rows[rows.length - 1];
    return { items: rows.map(({ head, latest }) => ruleSetSummary(latest, head)), nextCursor: rows.length === limit && last ? last.head.ruleSetId : null };
  }

  /** DMN 1.3 XML of a version, as the modeler tools read it (extensions and diagram kept). */
  async exportXml(caller: RulesCaller, ruleSetId: string, version?: number): Promise<string> {
    const row = await this.versionOf(ruleSetId, version);
    assertCan(caller.ability, 'read', ruleSetSubject(row));
    return exportDmn((await compileRuleSet(ruleSetId, row.version, row.dmnXml)).model);
  }

  /** A version compiled for simulation: the deployed one when it is held, else compiled now. */
  async compiledVersion(caller: RulesCaller, ruleSetId: string, version?: number): Promise<{ row: RuleSetVersionRecord; ruleSet: CompiledRuleSet }> {
    const row = await this.versionOf(ruleSetId, version);
    assertCan(caller.ability, 'read', ruleSetSubject(row));
    const held = this.options.source.get(ruleSetId);
    return { row, ruleSet: held && held.version === row.version ? held : await compileRuleSet(ruleSetId, row.version, row.dmnXml) };
  }

  private async compile(ruleSetId: string, version: number, dmnXml: string, testCases: readonly RuleSetTestCase[]): Promise<Compiled> {
    const ruleSet = await compileRuleSet(ruleSetId, version, dmnXml);
    const validation = validateRuleSet(ruleSet, this.options.inputs, testCases);
    const seen = new Set<string>();
    const decisions = ruleSet.model.decisions.flatMap((d) => {
      const plan = ruleSet.plans.get(d.name)!;
      if (seen.has(d.id)) return [];
      seen.add(d.id);
      return [{ id: d.id, name: d.name, tableId: plan.tableId, inputs: plan.names }];
    });
    return { ruleSet, metadata: { decisions, inputs: ruleSet.inputNames, validation } };
  }

  private async step(
    caller: RulesCaller,
    row: RuleSetVersionRecord,
    transition: RuleSetTransition,
    status: RuleSetStatus,
    patch: RuleSetVersionPatch,
    details: { reason?: string },
  ): Promise<RuleSetView> {
    const atMs = this.clock();
    const after = { ...row, ...patch, status, updatedAtMs: atMs };
    const receipt = await this.audit(caller.principal, transition, after, atMs, { status, reason: details.reason });
    await this.options.repository.apply({
      ruleSetId: row.ruleSetId,
      updates: [{ version: row.version, expectedRowVersion: row.rowVersion, patch: { ...patch, status, updatedAtMs: atMs } }],
      history: [{ version: row.version, transition, actorId: caller.principal.id, atMs, reason: details.reason ?? null, auditRecordId: receipt.id }],
    });
    return this.view(await this.versionOf(row.ruleSetId, row.version));
  }

  private audit(actor: Principal, transition: RuleSetTransition, row: RuleSetVersionRecord, atMs: number, details: Parameters<typeof ruleSetAuditRecord>[4]) {
    return this.options.audit.append(ruleSetAuditRecord(transition, row, actor, atMs, details));
  }

  private async view(row: RuleSetVersionRecord, withHistory = false): Promise<RuleSetView> {
    const head = await this.options.repository.head(row.ruleSetId);
    return ruleSetView(row, head, withHistory ? (await this.options.repository.history(row.ruleSetId)).filter((entry) => entry.version === row.version) : undefined);
  }

  private async deployedRow(ruleSetId: string): Promise<RuleSetVersionRecord | null> {
    const head = await this.options.repository.head(ruleSetId);
    return head?.deployedVersion ? this.options.repository.version(ruleSetId, head.deployedVersion) : null;
  }

  /** A given version, or the newest one (in `status`, when given). */
  private async versionOf(ruleSetId: string, version?: number, status?: RuleSetStatus): Promise<RuleSetVersionRecord> {
    if (version !== undefined) {
      const row = await this.options.repository.version(ruleSetId, version);
      if (!row) throw notFound('rule-set version');
      return row;
    }
    const rows = await this.options.repository.versionsOf(ruleSetId);
    if (rows.length === 0) throw notFound('rule set');
    return (status ? rows.find((row) => row.status === status) : undefined) ?? rows[0];
  }
}

function retirement(row: RuleSetVersionRecord, atMs: number) {
  return { version: row.version, expectedRowVersion: row.rowVersion, patch: { status: 'retired', retiredAtMs: atMs, updatedAtMs: atMs } satisfies RuleSetVersionPatch };
}

function forbidden(message: string): KairosError {
  return new KairosError('FORBIDDEN', message);
}
