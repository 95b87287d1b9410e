import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Principal } from '@kairos/access';
import type { AuditActor } from '@kairos/audit';
import { assertPurposeCompliance } from '@kairos/consent';
import { KairosError } from '@kairos/contracts';
import type { ModelStageChange, ModelVersionSummary, StageChangeActor, StageMove } from '@kairos/persistence';
import { type ModelCard, checkSignature, parseModelCard } from '@kairos/scoring';
import { type StageChangeRequest, type UploadModelRequest } from '../http/scoring-requests';
import type { ScoringServiceOptions } from '../scoring-options';
import { scoreKeys, type LiveModelSet } from '../serving/live-models';
import { type Holdout, type HoldoutMetrics, evaluateOnHoldout } from './holdout-evaluation';
import { artifactDigest, decodeArtifact, loadScorer, type ModelArtifactBytes } from './model-artifact';
import { type ModelStage, checkStageChange } from './model-stages';

export interface ModelVersionView {
  readonly modelId: string;
  readonly version: string;
  readonly family: string;
  readonly format: string;
  readonly title: string;
  readonly purposes: readonly string[];
  readonly stage: string;
  readonly sharePercent: number | null;
  readonly artifactSha256: string;
  readonly artifactBytes: number;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly stageChangedAt: string;
  readonly revision: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Names decisions read this version's scores under. */
  readonly scoreKeys: readonly string[];
  readonly holdoutMetrics: HoldoutMetrics;
}

export interface ModelView {
  readonly modelId: string;
  readonly versions: readonly ModelVersionView[];
  readonly history: readonly { version: string; fromStage: string | null; toStage: string; sharePercent: number | null; actorId: string; actorRole: string; reason: string; at: string }[];
}

/** The actor of changes the platform makes itself (first-start registration of the shipped models). */
const REGISTRY_COMPONENT = { actorId: 'component:model-registry', actorRole: 'component' };

/**
 * The model registry's write side: uploads are validated (card, signature against the feature registry, purposes
 * against the record of processing, the artifact against its signature), evaluated on a holdout and stored as
 * shadow; stage changes follow the lifecycle with four eyes, are audited (`model_promoted`) and reach the live
 * scorers of this process at once (others poll the registry generation).
 */
export class ModelRegistryService {
  private registryHoldout: Promise<Holdout> | null = null;

  constructor(
    private readonly options: ScoringServiceOptions,
    private readonly live: LiveModelSet,
  ) {}

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  async upload(principal: Principal, request: UploadModelRequest): Promise<ModelVersionView> {
    const card = this.deployableCard(request.card);
    const bytes = decodeArtifact(request.artifact);
    const scorer = await loadScorer(card, bytes);
    try {
      const holdout = request.holdout
        ? { source: 'upload' as const, holdout: { description: request.holdout.description, rows: request.holdout.rows.map((row) => ({ ...row, asOfMs: row.asOfMs ?? this.now() })) } }
        : { source: 'registry_holdout' as const, holdout: await this.defaultHoldout() };
      const metrics = await evaluateOnHoldout(scorer, holdout.holdout, holdout.source, this.now());
      await this.store(card, bytes, metrics, 'shadow', { actorId: principal.id, actorRole: principal.role, reason: 'uploaded', atMs: this.now() });
    } finally {
      scorer.runner.dispose();
    }
    await this.live.refresh();
    return this.versionView(card.modelId, card.version);
  }

  /**
   * Registers the shipped models (models/<family>/) as production the first time a registry sees them, so the
   * platform scores out of the box; their metrics are the card's own (the holdout bank they were evaluated on).
   */
  async registerShipped(directories: readonly string[]): Promise<string[]> {
    const registered: string[] = [];
    const known = new Set((await this.options.repository.summaries()).map((row) => row.modelId));
    for (const directory of directories) {
      const card = this.deployableCard(JSON.parse(await readFile(join(directory, 'model-card.json'), 'utf8')) as unknown);
      if (known.has(card.modelId)) continue;
      const bytes: ModelArtifactBytes = {
        format: 'tfjs-layers',
        artifact: await readFile(join(directory, 'artifact', 'model.json')),
        weights: await readFile(join(directory, 'artifact', 'weights.bin')),
      };
      (await loadScorer(card, bytes)).runner.dispose();
      const metrics: HoldoutMetrics = {
        source: 'card',
        description: card.metrics?.dataset ?? 'card metrics',
        evaluatedAtMs: this.now(),
        outputs: card.metrics?.holdout ?? {},
        byAgeBand: Object.fromEntries(Object.entries(card.metrics?.bySegment ?? {}).map(([output, segments]) => [output, segments['ageBand'] ?? segments['age_band'] ?? {}])),
        refused: 0,
      };
      await this.store(card, bytes, metrics, 'production', { ...REGISTRY_COMPONENT, reason: 'shipped model registered at first start', atMs: this.now() });
      registered.push(`${card.modelId}@${card.version}`);
    }
    if (registered.length > 0) await this.live.refresh();
    return registered;
  }

  async changeStage(principal: Principal, modelId: string, version: string, request: StageChangeRequest): Promise<ModelVersionView> {
    const target = await this.summaryOf(modelId, version);
    const { canaryBasisPoints } = checkStageChange({ from: target.stage as ModelStage, to: request.stage, actorId: principal.id, uploaderId: target.uploadedBy, sharePercent: request.sharePercent });
    const moves: StageMove[] = [{ modelId, version, expectedRevision: target.revision, fromStage: target.stage, toStage: request.stage, canaryBasisPoints }];
    // One production and one canary per model: the version that held the stage steps aside in the same transaction.
    const displaced = request.stage === 'production' ? 'retired' : request.stage === 'canary' ? 'shadow' : null;
    if (displaced) {
      for (const other of await this.options.repository.summaries(modelId)) {
        if (other.version !== version && other.stage === request.stage) {
          moves.push({ modelId, version: other.version, expectedRevision: other.revision, fromStage: other.stage, toStage: displaced, canaryBasisPoints: null });
        }
      }
    }
    const actor: StageChangeActor = { actorId: principal.id, actorRole: principal.role, reason: request.reason, atMs: this.now() };
    await this.options.repository.move(moves, actor);
    await this.auditOrUndo(moves, actor, { type: 'principal', principalId: principal.id, role: principal.role }, target);
    await this.live.refresh();
    return this.versionView(modelId, version);
  }

  /** Re-promotes the version that was in production before the current one (one call; four eyes as any promotion). */
  async rollback(principal: Principal, modelId: string, reason: string): Promise<ModelVersionView> {
    const history = await this.options.repository.history(modelId);
    const current = (await this.options.repository.summaries(modelId)).find((row) => row.stage === 'production');
    const previous = [...history].reverse().find((change) => change.fromStage === 'production' && change.toStage === 'retired' && change.version !== current?.version);
    if (!previous) {
      throw new KairosError('CONFLICT', `model ${modelId} has no earlier production version to roll back to`, [{ path: 'modelId', rule: 'no_previous_version', message: 'nothing to roll back to' }]);
    }
    return this.changeStage(principal, modelId, previous.version, { stage: 'production', reason: `rollback: ${reason}` });
  }

  async list(): Promise<ModelVersionView[]> {
    return (await this.options.repository.summaries()).map(toView);
  }

  async model(modelId: string): Promise<ModelView> {
    const versions = await this.options.repository.summaries(modelId);
    if (versions.length === 0) throw notFound(modelId);
    const history = await this.options.repository.history(modelId);
    return { modelId, versions: versions.map(toView), history: history.map(historyView) };
  }

  async versionView(modelId: string, version: string): Promise<ModelVersionView> {
    return toView(await this.summaryOf(modelId, version));
  }

  private async summaryOf(modelId: string, version: string): Promise<ModelVersionSummary> {
    const summary = await this.options.repository.summary(modelId, version);
    if (!summary) throw notFound(modelId, version);
    return summary;
  }

  /**
   * A card from an upload, refused unless deployable: 400 for an invalid card or an unusable signature (an unknown
   * feature is named), 422 PURPOSE_VIOLATION when a feature is not declared or has no legal basis for a purpose.
   */
  private deployableCard(json: unknown): ModelCard {
    const card = parseModelCard(json);
    const issues = checkSignature(card.signature, card.purposes, this.options.features).map((issue) => ({ ...issue, path: `card.${issue.path}` }));
    const structural = issues.filter((issue) => issue.rule !== 'purpose_not_allowed');
    if (structural.length > 0) throw new KairosError('VALIDATION_FAILED', `the model signature cannot be served: ${structural[0].message}`, structural);
    const purposeIssues = issues.filter((issue) => issue.rule === 'purpose_not_allowed');
    if (purposeIssues.length > 0) throw new KairosError('PURPOSE_VIOLATION', `the model's features are not declared for its purposes: ${purposeIssues[0].message}`, purposeIssues);
    // Features the record of processing does not list yet are covered by the feature registry's own purpose
    // declaration (checked above); every feature it does list must have a legal basis for every purpose.
    const recorded = card.signature.inputs.map((input) => input.name).filter((name) => this.options.purposes.features.has(name));
    assertPurposeCompliance(this.options.purposes, { purposes: card.purposes, featuresUsed: recorded });
    return card;
  }

  private async store(card: ModelCard, bytes: ModelArtifactBytes, metrics: HoldoutMetrics, stage: ModelStage, actor: StageChangeActor): Promise<void> {
    await this.options.repository.register(
      {
        modelId: card.modelId,
        version: card.version,
        family: card.family,
        format: card.format,
        title: card.title,
        purposes: card.purposes.join(','),
        card: JSON.stringify(card),
        artifact: bytes.artifact,
        weights: bytes.weights,
        artifactSha256: artifactDigest(bytes),
        artifactBytes: bytes.artifact.byteLength + (bytes.weights?.byteLength ?? 0),
        holdoutMetrics: JSON.stringify(metrics),
        stage,
        canaryBasisPoints: null,
        uploadedBy: actor.actorId,
        uploadedAtMs: actor.atMs,
      },
      actor,
    );
  }

  /**
   * A stage change is in force only with its audit record: if the audit trail refuses, the moves are undone
   * (recorded in the history as such) and the caller gets AUDIT_UNAVAILABLE.
   */
  private async auditOrUndo(moves: readonly StageMove[], actor: StageChangeActor, auditActor: AuditActor, target: ModelVersionSummary): Promise<void> {
    try {
      await this.options.audit.append({
        kind: 'model_promoted',
        actor: auditActor,
        output: {
          modelId: target.modelId,
          version: target.version,
          artifactSha256: target.artifactSha256,
          uploadedBy: target.uploadedBy,
          changes: moves.map((move) => ({ version: move.version, fromStage: move.fromStage, toStage: move.toStage, canaryBasisPoints: move.canaryBasisPoints })),
        },
        reasons: [`stage:${moves[0].fromStage}->${moves[0].toStage}`, `reason:${actor.reason.slice(0, 400)}`],
        occurredAtMs: actor.atMs,
      });
    } catch (error) {
      const undo = moves.map((move) => ({ ...move, expectedRevision: move.expectedRevision + 1, fromStage: move.toStage, toStage: move.fromStage, canaryBasisPoints: null }));
      await this.options.repository.move(undo, { ...REGISTRY_COMPONENT, reason: 'undone: the audit trail did not take the stage change', atMs: this.now() });
      this.options.logger.error({ modelId: target.modelId, version: target.version, err: (error as Error).message }, 'stage change undone: audit unavailable');
      throw new KairosError('AUDIT_UNAVAILABLE', 'the stage change could not be audited and was undone; retry shortly', [], 5);
    }
  }

  private defaultHoldout(): Promise<Holdout> {
    const provider = this.options.holdout;
    if (!provider) {
      return Promise.reject(
        new KairosError('VALIDATION_FAILED', 'this registry has no held-out population; send a holdout with the upload', [
          { path: 'holdout', rule: 'required', message: 'labelled rows to evaluate the model on' },
        ]),
      );
    }
    this.registryHoldout ??= provider().catch((error: unknown) => {
      this.registryHoldout = null;
      throw error;
    });
    return this.registryHoldout;
  }
}

function notFound(modelId: string, version?: string): KairosError {
  return new KairosError('NOT_FOUND', version ? `model ${modelId} has no version ${version}` : `no model ${modelId} is registered`, [
    { path: version ? 'version' : 'modelId', rule: 'not_found', message: 'not in the registry' },
  ]);
}

function toView(row: ModelVersionSummary): ModelVersionView {
  const card = JSON.parse(row.card) as ModelCard;
  const outputs = card.signature.outputs.map((output) => output.name);
  return {
    modelId: row.modelId,
    version: row.version,
    family: row.family,
    format: row.format,
    title: row.title,
    purposes: row.purposes.split(','),
    stage: row.stage,
    sharePercent: row.canaryBasisPoints === null ? null : row.canaryBasisPoints / 100,
    artifactSha256: row.artifactSha256,
    artifactBytes: row.artifactBytes,
    uploadedBy: row.uploadedBy,
    uploadedAt: new Date(row.uploadedAtMs).toISOString(),
    stageChangedAt: new Date(row.stageChangedAtMs).toISOString(),
    revision: row.revision,
    inputs: card.signature.inputs.map((input) => input.name),
    outputs,
    scoreKeys: scoreKeys(row.modelId, outputs).map(([key]) => key),
    holdoutMetrics: JSON.parse(row.holdoutMetrics) as HoldoutMetrics,
  };
}

function historyView(change: ModelStageChange): ModelView['history'][number] {
  return {
    version: change.version,
    fromStage: change.fromStage,
    toStage: change.toStage,
    sharePercent: change.canaryBasisPoints === null ? null : change.canaryBasisPoints / 100,
    actorId: change.actorId,
    actorRole: change.actorRole,
    reason: change.reason,
    at: new Date(change.atMs).toISOString(),
  };
}
