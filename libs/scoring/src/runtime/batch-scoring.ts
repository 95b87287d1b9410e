import type { ModelScorer } from './model-scorer';
import type { ScoreRequest } from './score-result';

export interface BatchScores {
  readonly customerIds: readonly (string | undefined)[];
  /** rows × outputs calibrated probabilities; NaN for a refused customer. */
  readonly scores: Float32Array;
  readonly outputNames: readonly string[];
  readonly refused: number;
}

/**
 * Scores a segment in chunks: each chunk is encoded into one matrix and run in one model call, without
 * explanations (batch jobs rank and select; a chosen customer is re-scored with reasons when a decision uses it).
 */
export async function* scoreInChunks(scorer: ModelScorer, requests: Iterable<ScoreRequest>, chunkSize = 4096): AsyncGenerator<BatchScores, void, undefined> {
  const width = scorer.encoder.width;
  const outputs = scorer.outputNames.length;
  let matrix = new Float32Array(chunkSize * width);
  let ids: (string | undefined)[] = [];
  let refusedRows: number[] = [];
  const emit = async (): Promise<BatchScores> => {
    const rows = ids.length;
    const scores = await scorer.scoreEncoded(matrix.subarray(0, rows * width), rows);
    for (const row of refusedRows) scores.fill(NaN, row * outputs, (row + 1) * outputs);
    const batch: BatchScores = { customerIds: ids, scores: scores.slice(0, rows * outputs), outputNames: scorer.outputNames, refused: refusedRows.length };
    matrix = new Float32Array(chunkSize * width);
    ids = [];
    refusedRows = [];
    return batch;
  };
  for (const request of requests) {
    const row = ids.length;
    if (!scorer.encoder.encodeInto(request.features, request.asOfMs, matrix, row * width).ok) refusedRows.push(row);
    ids.push(request.customerId);
    if (ids.length === chunkSize) yield await emit();
  }
  if (ids.length > 0) yield await emit();
}
