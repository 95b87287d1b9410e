import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ClassifierSpec,
  MODEL_JSON_FILE,
  ModelScorer,
  TfjsLayersRunner,
  WEIGHTS_FILE,
  checkSignature,
  layersModelFiles,
  prepareTensorflow,
  renderModelCard,
  scoringFeatureRegistry,
  trainClassifier,
} from '@kairos/scoring';
import { loadSimulatedDatasets, LABEL_DESCRIPTIONS } from './simulated-bank-datasets';

export const REPOSITORY_ROOT = resolve(__dirname, '..', '..');
const DATASET_CACHE = join(REPOSITORY_ROOT, 'tmp', 'kairos-datasets');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Trains one model family on the simulated bank and writes, under `modelDir`: `artifact/model.json` +
 * `artifact/weights.bin`, `model-card.json` and `MODEL_CARD.md`. Checks before writing that the signature is
 * accepted by the scoring registry and, after, that the saved files load and score exactly like the trained model.
 */
export async function trainAndSave(spec: ClassifierSpec, modelDir: string): Promise<void> {
  const requested = process.env['KAIROS_TF_BACKEND'];
  // WebAssembly trains several times faster than the JavaScript backend; results repeat exactly on one backend.
  const backend = await prepareTensorflow(requested === 'cpu' ? 'cpu' : 'wasm');
  say(`[${spec.card.modelId}] backend ${backend}; loading datasets (cache ${DATASET_CACHE})`);
  const datasets = await loadSimulatedDatasets(DATASET_CACHE);
  say(`[${spec.card.modelId}] rows: train ${datasets.train.length}, validation ${datasets.validation.length}, holdout ${datasets.holdout.length} (built in ${datasets.buildSeconds.toFixed(1)} s)`);

  const trained = await trainClassifier(
    spec,
    {
      ...datasets,
      labelDescriptions: LABEL_DESCRIPTIONS,
      datasetSeconds: datasets.buildSeconds > 1 ? datasets.buildSeconds : undefined,
    },
    backend,
  );
  const issues = checkSignature(trained.card.signature, trained.card.purposes, scoringFeatureRegistry());
  if (issues.length > 0) throw new Error(`signature refused: ${JSON.stringify(issues)}`);

  const artifactDir = join(modelDir, 'artifact');
  await trained.model.save(layersModelFiles(artifactDir));
  const artifactBytes = (await stat(join(artifactDir, MODEL_JSON_FILE))).size + (await stat(join(artifactDir, WEIGHTS_FILE))).size;
  const card = { ...trained.card, training: { ...trained.card.training!, artifactBytes } };

  // The saved files must reproduce the trained model's scores, or the artifact is not what the card describes.
  const reloaded = new ModelScorer(card, await TfjsLayersRunner.load(layersModelFiles(artifactDir)));
  const probe = datasets.holdout.slice(0, 200).map((row) => ({ features: row.features, asOfMs: row.asOfMs }));
  const [before, after] = [await trained.scorer.scoreBatch(probe, { explain: false }), await reloaded.scoreBatch(probe, { explain: false })];
  before.forEach((result, i) => {
    const other = after[i];
    if (result.status !== 'scored' || other.status !== 'scored') throw new Error('probe customer refused');
    result.scores.forEach((score, o) => {
      if (Math.abs(score.score - other.scores[o].score) > 1e-6) throw new Error(`reloaded model differs on row ${i}`);
    });
  });

  await writeFile(join(modelDir, 'model-card.json'), `${JSON.stringify(card, null, 2)}\n`);
  await writeFile(join(modelDir, 'MODEL_CARD.md'), renderModelCard(card));
  say(`[${spec.card.modelId}] trained in ${card.training.durationSeconds} s, ${card.training.parameters} parameters, artifact ${artifactBytes} bytes`);
  for (const [output, m] of Object.entries(card.metrics!.holdout)) {
    say(`[${spec.card.modelId}] ${output}: n ${m.n}, positives ${m.positives}, AUC ${m.auc?.toFixed(4)}, Brier ${m.brier.toFixed(4)}, ECE ${m.ece.toFixed(4)}`);
  }
  const written = JSON.parse(await readFile(join(modelDir, 'model-card.json'), 'utf8')) as { modelId: string };
  say(`[${written.modelId}] wrote ${join(modelDir, 'model-card.json')} and MODEL_CARD.md`);
}

/** Runs `main` and exits non-zero on failure (training scripts are run from the command line). */
export function runFromCommandLine(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
