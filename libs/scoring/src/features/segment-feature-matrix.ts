import { type FeatureValue, type PartitionProfileStore, type ProfileState, readFeatureColumns } from '@kairos/profile';
import { FeatureVectorEncoder } from '../signature/feature-vector-encoder';
import type { FeatureInput } from '../signature/model-signature.schema';

const DAY_MS = 86_400_000;

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
    target.encoder.inputs.forEach((input, i) => {
      const booleanFeature = registry.has(input.name) && registry.definition(input.name).type === 'boolean';
      // Booleans are numbers only to boolean inputs, as `encodeInto` reads them.
      const column = booleanFeature && input.type !== 'boolean' ? null : (columnOf.get(input.name) ?? null);
      encodeColumn(input, column, atMs, target, target.encoder.offsets[i], firstRow, slots.length);
    });
    const width = target.encoder.width;
    for (let row = firstRow; row < firstRow + slots.length; row++) if (target.refused[row]) target.matrix.fill(0, row * width, (row + 1) * width);
  }
  if (rowTargets.length > 0) encodeRows(store, slots, atMs, rowTargets, firstRow, names, columns);
}

/** Writes one numeric input for every row: `encodeInto`'s natural value, imputation, transform, clip and scaling. */
function encodeColumn(input: FeatureInput, column: Float64Array | null, atMs: number, target: SegmentModelMatrix, offset: number, firstRow: number, rows: number): void {
  const { matrix, refused } = target;
  const width = target.encoder.width;
  const imputed = input.missing.strategy === 'impute' ? imputedNatural(input) : undefined;
  const log1p = input.transform === 'log1p';
  const clip = input.clip;
  const { center, scale } = input;
  for (let r = 0; r < rows; r++) {
    let x = column === null ? NaN : column[r];
    if (input.type === 'timestamp') x = Math.max(0, (atMs - x) / DAY_MS);
    else if (input.type === 'boolean' && x !== 0 && x !== 1) x = NaN;
    if (!Number.isFinite(x)) {
      if (imputed === undefined) {
        refused[firstRow + r] = 1;
        continue;
      }
      x = imputed;
    }
    if (log1p) x = x < 0 ? -Math.log1p(-x) : Math.log1p(x);
    if (clip) x = x < clip[0] ? clip[0] : x > clip[1] ? clip[1] : x;
    matrix[(firstRow + r) * width + offset] = (x - center) / scale;
  }
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
