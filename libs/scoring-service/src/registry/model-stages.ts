import { KairosError } from '@kairos/contracts';

export const MODEL_STAGES = ['shadow', 'canary', 'production', 'retired'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** Stages whose scores can reach a decision: entering one needs a second person (four eyes, Z3). */
export const SERVING_STAGES: ReadonlySet<ModelStage> = new Set(['canary', 'production']);
/** Stages loaded into scorers: shadow is scored alongside production, never used. */
export const LIVE_STAGES: readonly ModelStage[] = ['shadow', 'canary', 'production'];

/**
 * Allowed moves. Retired → production is the rollback (re-promoting an earlier version); retired → shadow lets a
 * version be watched again before it comes back.
 */
const TRANSITIONS: Readonly<Record<ModelStage, readonly ModelStage[]>> = {
  shadow: ['canary', 'production', 'retired'],
  canary: ['shadow', 'production', 'retired'],
  production: ['retired'],
  retired: ['shadow', 'production'],
};

export interface StageRequest {
  readonly from: ModelStage;
  readonly to: ModelStage;
  readonly actorId: string;
  readonly uploaderId: string;
  /** Canary share in percent; required for canary, refused elsewhere. */
  readonly sharePercent?: number;
}

/**
 * Checks one stage change against the lifecycle: the move must be allowed, a canary needs a share, and a stage
 * that serves decisions may not be entered on the uploader's word alone (four eyes). Throws the refusal the API
 * returns: 409 for a move the lifecycle does not allow, 403-style FOUR_EYES for the same person.
 */
export function checkStageChange(request: StageRequest): { readonly canaryBasisPoints: number | null } {
  const { from, to } = request;
  if (from === to) throw new KairosError('CONFLICT', `the version is already in ${to}`, [{ path: 'stage', rule: 'same_stage', message: `already ${to}` }]);
  if (!TRANSITIONS[from].includes(to)) {
    throw new KairosError('CONFLICT', `a ${from} version cannot move to ${to}`, [
      { path: 'stage', rule: 'stage_transition', message: `from ${from} a version may move to ${TRANSITIONS[from].join(', ')}` },
    ]);
  }
  if (SERVING_STAGES.has(to) && request.actorId === request.uploaderId) {
    throw new KairosError('FORBIDDEN', 'four eyes: the uploader of a model version cannot put it into service', [
      { path: 'stage', rule: 'four_eyes', message: 'another data scientist or an admin must promote this version' },
    ]);
  }
  if (to === 'canary') {
    const share = request.sharePercent;
    if (share === undefined) throw new KairosError('VALIDATION_FAILED', 'a canary needs its share of customers', [{ path: 'sharePercent', rule: 'required', message: 'give 0.01–99.99 percent' }]);
    return { canaryBasisPoints: Math.round(share * 100) };
  }
  if (request.sharePercent !== undefined) {
    throw new KairosError('VALIDATION_FAILED', 'only a canary takes a share', [{ path: 'sharePercent', rule: 'canary_only', message: 'omit sharePercent unless the stage is canary' }]);
  }
  return { canaryBasisPoints: null };
}

/**
 * Whether a customer falls into a canary's share: a hash of model and customer (FNV-1a), so the same customer gets
 * the same version on every call and process, and different models split customers independently.
 */
export function inCanary(modelId: string, customerId: string, basisPoints: number): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < modelId.length; i++) hash = Math.imul(hash ^ modelId.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0x3a, 0x01000193);
  for (let i = 0; i < customerId.length; i++) hash = Math.imul(hash ^ customerId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % 10_000 < basisPoints;
}
