import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { KairosError } from '@kairos/contracts';

export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** The two files of a TF.js layers model, as bytes: what an upload carries and what `layersModelFiles` writes. */
export interface LayersModelBytes {
  readonly modelJson: Uint8Array;
  readonly weights: Uint8Array;
}

function concatWeights(data: io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}

/** model.json content for artifacts: the standard TF.js layers format, with one weights file. */
export function encodeLayersModel(artifacts: io.ModelArtifacts): LayersModelBytes {
  const weights = concatWeights(artifacts.weightData);
  const json = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(json)), weights };
}

/** Artifacts from the two files' bytes; refuses JSON that is not a layers model or weights of the wrong size. */
export function decodeLayersModel(bytes: LayersModelBytes): io.ModelArtifacts {
  let json: { modelTopology?: unknown; weightsManifest?: { weights?: io.WeightsManifestEntry[] }[]; format?: string; generatedBy?: string; convertedBy?: string | null };
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.modelJson));
  } catch {
    throw new KairosError('VALIDATION_FAILED', 'model.json is not valid JSON', [{ path: 'modelJson', rule: 'json', message: 'must be JSON' }]);
  }
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new KairosError('VALIDATION_FAILED', 'model.json is not a TF.js layers model', [
      { path: 'modelJson', rule: 'layers_model', message: 'needs modelTopology and weightsManifest' },
    ]);
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights ?? []);
  const expected = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((n, d) => n * d, 1) * bytesPerElement(spec.dtype), 0);
  if (expected !== bytes.weights.byteLength) {
    throw new KairosError('VALIDATION_FAILED', 'weights do not match model.json', [
      { path: 'weights', rule: 'weights_size', message: `expected ${expected} bytes of weights, got ${bytes.weights.byteLength}` },
    ]);
  }
  const weightData = bytes.weights.buffer.slice(bytes.weights.byteOffset, bytes.weights.byteOffset + bytes.weights.byteLength) as ArrayBuffer;
  return {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs,
    weightData,
  };
}

function bytesPerElement(dtype: string): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'bool' || dtype === 'uint8') return 1;
  if (dtype === 'float16' || dtype === 'uint16' || dtype === 'int16') return 2;
  throw new KairosError('VALIDATION_FAILED', 'unsupported weight type', [{ path: 'modelJson.weightsManifest', rule: 'dtype', message: `weights of type ${dtype} are not supported` }]);
}

/**
 * A TF.js IOHandler over a directory (model.json + weights.bin) using node:fs only, so saving and loading needs
 * neither tfjs-node nor a browser. Writes go to temporary names first and are renamed, so a reader never sees a
 * half-written model.
 */
export function layersModelFiles(directory: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new KairosError('VALIDATION_FAILED', 'only layers models in JSON form can be saved');
      }
      const { modelJson, weights } = encodeLayersModel(artifacts);
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, `${WEIGHTS_FILE}.tmp`), weights);
      await writeFile(join(directory, `${MODEL_JSON_FILE}.tmp`), modelJson);
      await rename(join(directory, `${WEIGHTS_FILE}.tmp`), join(directory, WEIGHTS_FILE));
      await rename(join(directory, `${MODEL_JSON_FILE}.tmp`), join(directory, MODEL_JSON_FILE));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: modelJson.byteLength,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<io.ModelArtifacts> {
      const [modelJson, weights] = await Promise.all([readFile(join(directory, MODEL_JSON_FILE)), readFile(join(directory, WEIGHTS_FILE))]);
      return decodeLayersModel({ modelJson, weights });
    },
  };
}

/** A load-only IOHandler over bytes already in memory (an upload, a registry blob). */
export function layersModelFromBytes(bytes: LayersModelBytes): io.IOHandler {
  return { load: async () => decodeLayersModel(bytes) };
}
