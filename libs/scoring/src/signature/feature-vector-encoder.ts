import { parseInstantMs } from '../datasets/instant-parser';
import { FeatureInput, ModelSignature, inputWidth } from './model-signature.schema';

const DAY_MS = 86_400_000;

/** Feature values by name, as `registry.readAll`, a dataset row or `ProfileView.features` hold them. */
export type FeatureValues = Readonly<Record<string, unknown>>;

/** Why an input had no usable value. */
export type MissingKind = 'missing' | 'invalid_type';

export interface MissingFeature {
  readonly feature: string;
  readonly kind: MissingKind;
}

/** The encoding of one customer: either a vector (written into the caller's buffer) or a refusal. */
export type EncodingOutcome =
  | { readonly ok: true; readonly imputed: readonly MissingFeature[] }
  | { readonly ok: false; readonly reason: 'missing_feature'; readonly missing: readonly MissingFeature[] };

const OK: EncodingOutcome = Object.freeze({ ok: true, imputed: Object.freeze([]) as readonly MissingFeature[] });

/**
 * Turns feature values into the model's input vector exactly as the signature declares: the one encoder used for
 * training rows, serving requests and baselines, so they cannot drift apart. Missing or mistyped values are imputed
 * or refused per the signature; nothing here throws on data.
 */
export class FeatureVectorEncoder {
  readonly width: number;
  readonly inputs: readonly FeatureInput[];
  /** Column index where each input starts. */
  readonly offsets: readonly number[];
  /** Per column: the input it belongs to. */
  readonly columnInput: Int32Array;

  constructor(signature: ModelSignature) {
    this.inputs = signature.inputs;
    const offsets: number[] = [];
    let width = 0;
    for (const input of signature.inputs) {
      offsets.push(width);
      width += inputWidth(input);
    }
    this.width = width;
    this.offsets = offsets;
    this.columnInput = new Int32Array(width);
    signature.inputs.forEach((input, i) => this.columnInput.fill(i, offsets[i], offsets[i] + inputWidth(input)));
  }

  /** Writes the vector at `target[offset…offset + width)`; on refusal the slots are zeroed. */
  encodeInto(values: FeatureValues, asOfMs: number, target: Float32Array, offset = 0): EncodingOutcome {
    let imputed: MissingFeature[] | null = null;
    let refused: MissingFeature[] | null = null;
    for (let i = 0; i < this.inputs.length; i++) {
      const input = this.inputs[i];
      const at = offset + this.offsets[i];
      const raw = values[input.name];
      let natural = naturalValue(input, raw, asOfMs);
      if (natural === undefined) {
        const missing: MissingFeature = { feature: input.name, kind: raw === null || raw === undefined ? 'missing' : 'invalid_type' };
        if (input.missing.strategy === 'refuse') {
          (refused ??= []).push(missing);
          continue;
        }
        (imputed ??= []).push(missing);
        natural = imputedValue(input);
        if (natural === undefined) {
          // A card whose impute value does not fit its own type is refused at upload; stay safe regardless.
          (refused ??= []).push({ feature: input.name, kind: 'invalid_type' });
          continue;
        }
      }
      writeColumns(input, natural, target, at);
    }
    if (refused) {
      target.fill(0, offset, offset + this.width);
      return { ok: false, reason: 'missing_feature', missing: refused };
    }
    return imputed ? { ok: true, imputed } : OK;
  }

  encode(values: FeatureValues, asOfMs: number): { readonly vector: Float32Array; readonly outcome: EncodingOutcome } {
    const vector = new Float32Array(this.width);
    return { vector, outcome: this.encodeInto(values, asOfMs, vector) };
  }

  /**
   * A vector from values already in their natural unit (days for timestamps, booleans or 0/1): how baselines are
   * declared in a card. Absent values take the impute value, or 0 for inputs that refuse.
   */
  encodeNatural(values: Readonly<Record<string, number | boolean | string>>): Float32Array {
    const vector = new Float32Array(this.width);
    this.inputs.forEach((input, i) => {
      const raw = values[input.name];
      const natural = typeof raw === 'boolean' ? (raw ? 1 : 0) : (raw ?? imputedValue(input) ?? 0);
      writeColumns(input, input.type === 'string' ? String(natural) : typeof natural === 'number' ? natural : 0, vector, this.offsets[i]);
    });
    return vector;
  }

  /**
   * The value of each input in its natural unit (days for timestamps, 0/1 for booleans, the category for strings),
   * after imputation; null where refused. For explanations and monitoring, not for the model.
   */
  naturalValues(values: FeatureValues, asOfMs: number): (number | string | null)[] {
    return this.inputs.map((input) => {
      const natural = naturalValue(input, values[input.name], asOfMs);
      if (natural !== undefined) return natural;
      return imputedValue(input) ?? null;
    });
  }
}

/** Number (or category for strings) before transforms; undefined when absent or of the wrong type. */
function naturalValue(input: FeatureInput, raw: unknown, asOfMs: number): number | string | undefined {
  if (raw === null || raw === undefined) return undefined;
  switch (input.type) {
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
    case 'boolean':
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      return raw === 0 || raw === 1 ? raw : undefined;
    case 'timestamp':
      return daysBefore(raw, asOfMs);
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
  }
}

/** A timestamp (epoch ms or ISO-8601) as fractional days before `asOfMs`; 0 if it lies later. */
function daysBefore(raw: unknown, asOfMs: number): number | undefined {
  const atMs = typeof raw === 'string' ? parseInstantMs(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isFinite(atMs)) return undefined;
  return Math.max(0, (asOfMs - atMs) / DAY_MS);
}

/** The declared substitute in natural units (days for timestamps); undefined when refusing or if it does not fit. */
function imputedValue(input: FeatureInput): number | string | undefined {
  if (input.missing.strategy !== 'impute') return undefined;
  const value = input.missing.value;
  switch (input.type) {
    case 'number':
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 1 : 0) : value === 0 || value === 1 ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
  }
}

function writeColumns(input: FeatureInput, natural: number | string, target: Float32Array, at: number): void {
  if (input.type === 'string') {
    const categories = input.categories!;
    for (let c = 0; c < categories.length; c++) target[at + c] = categories[c] === natural ? 1 : 0;
    return;
  }
  let x = natural as number;
  if (input.transform === 'log1p') x = x < 0 ? -Math.log1p(-x) : Math.log1p(x);
  if (input.clip) x = x < input.clip[0] ? input.clip[0] : x > input.clip[1] ? input.clip[1] : x;
  target[at] = (x - input.center) / input.scale;
}
