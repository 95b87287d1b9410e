import { createHash } from 'node:crypto';
import { KairosError } from '@kairos/contracts';
import { type ModelCard, ModelScorer, OnnxRunner, TfjsLayersRunner, layersModelFromBytes, signatureWidth } from '@kairos/scoring';
import { MAX_ARTIFACT_BYTES, type ModelArtifactUpload } from '../http/scoring-requests';

/** A model's bytes as stored: the ONNX graph or TF.js model.json in `artifact`, TF.js weights in `weights`. */
export interface ModelArtifactBytes {
  readonly format: 'tfjs-layers' | 'onnx';
  readonly artifact: Buffer;
  readonly weights: Buffer | null;
}

/** Decodes an upload's base64 fields, refusing artifacts over the size bound (named field and rule). */
export function decodeArtifact(upload: ModelArtifactUpload): ModelArtifactBytes {
  const decode = (value: string, path: string): Buffer => {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.byteLength > MAX_ARTIFACT_BYTES) {
      throw new KairosError('VALIDATION_FAILED', 'the model artifact is too large', [{ path, rule: 'too_big', message: `at most ${MAX_ARTIFACT_BYTES} bytes` }]);
    }
    return bytes;
  };
  return upload.format === 'onnx'
    ? { format: 'onnx', artifact: decode(upload.onnx, 'artifact.onnx'), weights: null }
    : { format: 'tfjs-layers', artifact: decode(upload.modelJson, 'artifact.modelJson'), weights: decode(upload.weights, 'artifact.weights') };
}

/** SHA-256 over the artifact and weights, as `sha256:<hex>`: what the registry pins and the audit names. */
export function artifactDigest(bytes: ModelArtifactBytes): string {
  const hash = createHash('sha256').update(bytes.artifact);
  if (bytes.weights) hash.update(bytes.weights);
  return `sha256:${hash.digest('hex')}`;
}

/** Compiles a stored or uploaded model into a scorer; refuses bytes that do not load or do not fit the signature. */
export async function loadScorer(card: ModelCard, bytes: ModelArtifactBytes): Promise<ModelScorer> {
  if (card.format !== bytes.format) {
    throw new KairosError('VALIDATION_FAILED', 'the artifact format differs from the card', [
      { path: 'artifact.format', rule: 'format_mismatch', message: `the card declares ${card.format}, the artifact is ${bytes.format}` },
    ]);
  }
  const runner =
    bytes.format === 'onnx'
      ? await OnnxRunner.fromBytes(bytes.artifact, {
          inputName: card.onnx!.inputName,
          outputName: card.onnx!.outputName,
          inputWidth: signatureWidth(card.signature),
          outputCount: card.signature.outputs.length,
        })
      : await loadLayers(bytes);
  try {
    return new ModelScorer(card, runner);
  } catch (error) {
    runner.dispose();
    throw error;
  }
}

async function loadLayers(bytes: ModelArtifactBytes): Promise<TfjsLayersRunner> {
  const handler = layersModelFromBytes({ modelJson: bytes.artifact, weights: bytes.weights ?? Buffer.alloc(0) });
  try {
    return await TfjsLayersRunner.load(handler);
  } catch (error) {
    if (error instanceof KairosError) throw error;
    throw new KairosError('VALIDATION_FAILED', 'not a loadable TF.js layers model', [
      { path: 'artifact.modelJson', rule: 'layers_model', message: (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300) },
    ]);
  }
}
