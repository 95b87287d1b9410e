import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_JSON_FILE, WEIGHTS_FILE, layersModelFiles, layersModelFromBytes } from './layers-model-files';
import { prepareTensorflow } from './tensorflow-backend';

describe('layers model files (no tfjs-node)', () => {
  let dir: string;

  beforeAll(async () => {
    await prepareTensorflow('cpu');
    dir = mkdtempSync(join(tmpdir(), 'kairos-model-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function model(): tf.Sequential {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 3, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }) }));
    m.add(tf.layers.dense({ units: 2, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) }));
    return m;
  }

  it('saves model.json + weights.bin and loads them back, from files and from bytes', async () => {
    const original = model();
    const result = await original.save(layersModelFiles(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((4 * 3 + 3 + 3 * 2 + 2) * 4);
    const json = JSON.parse(readFileSync(join(dir, MODEL_JSON_FILE), 'utf8'));
    expect(json).toMatchObject({ format: 'layers-model', weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`] }] });

    const x = tf.tensor2d([[1, -2, 0.5, 3]]);
    const expected = (original.predict(x) as tf.Tensor).dataSync();
    const fromFiles = await tf.loadLayersModel(layersModelFiles(dir));
    const fromBytes = await tf.loadLayersModel(layersModelFromBytes({ modelJson: readFileSync(join(dir, MODEL_JSON_FILE)), weights: readFileSync(join(dir, WEIGHTS_FILE)) }));
    expect(Array.from((fromFiles.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected));
    expect(Array.from((fromBytes.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected));
    x.dispose();
    for (const m of [original, fromFiles, fromBytes]) m.dispose();
  });

  it('refuses JSON that is not a layers model and weights of the wrong size', async () => {
    await expect(tf.loadLayersModel(layersModelFromBytes({ modelJson: new TextEncoder().encode('{"x":1}'), weights: new Uint8Array(0) }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      tf.loadLayersModel(layersModelFromBytes({ modelJson: readFileSync(join(dir, MODEL_JSON_FILE)), weights: new Uint8Array(8) })),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ rule: 'weights_size' })] });
  });
});
