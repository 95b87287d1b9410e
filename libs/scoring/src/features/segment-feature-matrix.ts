import { type FeatureValue, type PartitionProfileStore, type ProfileState, readFeatureColumns } from '@kairos/profile';
import { FeatureVectorEncoder } from '../signature/feature-vector-encoder';
import type { FeatureInput } from '../signature/model-signature.schema';

const DAY_MS = 86_400_000;
/**
 * log1p of the whole numbers below its length, computed once: most inputs are event counts, and Math.log1p was the
 * costliest step of encoding a column. Table entries are Math.log1p's own results, so rows stay bit-identical.
 */
const LOG1P_OF_WHOLE = Float64Array.from({ length: 1024 }, (_, k) => Math.log1p(k));
/** Rows encoded together, column by column: a block of every model's matrix fits in the first-level cache. */
const ROW_BLOCK = 32;

/** One model's input matrix for a segment: row r belongs to the r-th customer encoded. */
export interface SegmentModelMatrix {
  readonly encoder: FeatureVectorEncoder;
  /** rows × `encoder.width`. */
  readonly matrix: Float32Array;
  /** 1 where the customer is refused (a feature the signature does not impute is missing); the row is zeroed. */
  readonly refused: Uint8Array;
}

/**
 * Encodes the customers in `slots` of `store` as of `atMs` for several models at once, into rows `firstRow …` of
 * each target: batch scoring of a segment. Every feature the models need is read once, a column at a time, from
 * the store (`readFeatureColumns`). Numeric inputs are encoded a column at a time too; a model with a category
 * input, or reading a feature that is not a number, goes through its `FeatureVectorEncoder` a customer at a time.
 * Either way the rows equal `readSignatureFeatures` + `encodeInto` per customer (the unit test compares them).
 */
export function encodeSegmentFeatures(store: PartitionProfileStore, slots: ArrayLike<number>, atMs: number, targets: readonly SegmentModelMatrix[], firstRow = 0): void {
  const registry = store.registry;
  const names = [...new Set(targets.flatMap((target) => target.encoder.inputs.map((input) => input.name)))];
  const columns = readFeatureColumns(store, names, atMs, slots);
  const columnOf = new Map(names.map((name, f) => [name, columns[f]]));
  // A feature the registry knows but cannot give as a number (a category) needs the value itself.
  const byColumns = (input: FeatureInput): boolean => input.type !== 'string' && (columnOf.get(input.name) !== null || !registry.has(input.name));
  const rowTargets: SegmentModelMatrix[] = [];
  for (const target of targets) {
    if (!target.encoder.inputs.every(byColumns)) {
      rowTargets.push(target);
      continue;
    }
    target.refused.fill(0, firstRow, firstRow + slots.length);
    const plans = target.encoder.inputs.map((input, i): ColumnPlan => {
      const booleanFeature = registry.has(input.name) && registry.definition(input.name).type === 'boolean';
      // Booleans are numbers only to boolean inputs, as `encodeInto` reads them.
      const column = booleanFeature && input.type !== 'boolean' ? null : (columnOf.get(input.name) ?? null);
      return columnPlan(input, column, target.encoder.offsets[i]);
    });
    // Row blocks, each filled column by column while it is in cache: a whole chunk of a row-major matrix is not.
    for (let from = 0; from < slots.length; from += ROW_BLOCK) {
      const to = Math.min(slots.length, from + ROW_BLOCK);
      for (const plan of plans) encodeColumn(plan, atMs, target, firstRow, from, to);
    }
    const width = target.encoder.width;
    for (let row = firstRow; row < firstRow + slots.length; row++) if (target.refused[row]) target.matrix.fill(0, row * width, (row + 1) * width);
  }
  if (rowTargets.length > 0) encodeRows(store, slots, atMs, rowTargets, firstRow, names, columns);
}

/** How one numeric input is encoded from its column (null: every row is missing). */
interface ColumnPlan {
  readonly column: Float64Array | null;
  /** Column of the input in the model's matrix. */
  readonly offset: number;
  readonly timestamp: boolean;
  readonly boolean: boolean;
  /** The declared substitute in natural units; undefined refuses the row. */
  readonly imputed: number | undefined;
  readonly log1p: boolean;
  readonly clipLow: number;
  readonly clipHigh: number;
  readonly center: number;
  readonly scale: number;
}

function columnPlan(input: FeatureInput, column: Float64Array | null, offset: number): ColumnPlan {
  return {
    column,
    offset,
    timestamp: input.type === 'timestamp',
    boolean: input.type === 'boolean',
    imputed: input.missing.strategy === 'impute' ? imputedNatural(input) : undefined,
    log1p: input.transform === 'log1p',
    clipLow: input.clip ? input.clip[0] : -Infinity,
    clipHigh: input.clip ? input.clip[1] : Infinity,
    center: input.center,
    scale: input.scale,
  };
}

/** Writes one numeric input for rows `from … to` of the chunk: `encodeInto`'s natural value, imputation, transform, clip and scaling. */
function encodeColumn(plan: ColumnPlan, atMs: number, target: SegmentModelMatrix, firstRow: number, from: number, to: number): void {
  const { matrix, refused } = target;
  const width = target.encoder.width;
  const { column, imputed, log1p, clipLow, clipHigh, center, scale } = plan;
  for (let r = from; r < to; r++) {
    let x = column === null ? NaN : column[r];
    if (plan.timestamp) x = Math.max(0, (atMs - x) / DAY_MS);
    else if (plan.boolean && x !== 0 && x !== 1) x = NaN;
    if (!Number.isFinite(x)) {
      if (imputed === undefined) {
        refused[firstRow + r] = 1;
        continue;
      }
      x = imputed;
    }
    if (log1p) x = signedLog1p(x);
    x = x < clipLow ? clipLow : x > clipHigh ? clipHigh : x;
    matrix[(firstRow + r) * width + plan.offset] = (x - center) / scale;
  }
}

/** `encodeInto`'s log1p transform, symmetric around 0 (±0 stays as it is). */
function signedLog1p(x: number): number {
  if (x > 0 && x < LOG1P_OF_WHOLE.length && Math.floor(x) === x) return LOG1P_OF_WHOLE[x];
  if (x === 0) return x;
  return x < 0 ? -Math.log1p(-x) : Math.log1p(x);
}

/** The declared substitute of a numeric input in natural units (booleans 0/1); undefined if it does not fit. */
function imputedNatural(input: FeatureInput): number | undefined {
  const value = input.missing.strategy === 'impute' ? input.missing.value : undefined;
  if (input.type === 'boolean') return typeof value === 'boolean' ? (value ? 1 : 0) : value === 0 || value === 1 ? value : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Customer by customer through each model's encoder, from one record of stable shape refilled per customer. */
function encodeRows(store: PartitionProfileStore, slots: ArrayLike<number>, atMs: number, targets: readonly SegmentModelMatrix[], firstRow: number, names: readonly string[], columns: readonly (Float64Array | null)[]): void {
  const registry = store.registry;
  const booleans = names.map((name) => registry.has(name) && registry.definition(name).type === 'boolean');
  // Features that are not numbers (categories) are read one by one; unknown ones stay null, as in readSignatureFeatures.
  const oneByOne = names.map((name, f) => columns[f] === null && registry.has(name));
  const values: Record<string, FeatureValue> = Object.fromEntries(names.map((name) => [name, null]));
  const state: { -readonly [K in keyof ProfileState]: ProfileState[K] } = { customerId: '', store, slot: 0 };
  for (let r = 0; r < slots.length; r++) {
    for (let f = 0; f < names.length; f++) {
      const column = columns[f];
      if (column !== null) {
        const value = column[r];
        values[names[f]] = value !== value ? null : booleans[f] ? value === 1 : value;
      } else if (oneByOne[f]) {
        state.slot = slots[r];
        state.customerId = store.customerIdAt(slots[r]);
        values[names[f]] = registry.read(state, names[f], atMs);
      }
    }
    const row = firstRow + r;
    for (const target of targets) {
      target.refused[row] = target.encoder.encodeInto(values, atMs, target.matrix, row * target.encoder.width).ok ? 0 : 1;
    }
  }
}
