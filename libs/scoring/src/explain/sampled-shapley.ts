import { seededRandom, shuffleInPlace } from '@kairos/random';

/** Shapley values of each feature group for each output, from a model seen only through its predictions. */
export interface GroupAttributions {
  /** groups × outputs, row-major by group. */
  readonly values: Float64Array;
  /** Per output. */
  readonly scores: Float64Array;
  readonly baselineScores: Float64Array;
  /** Whether every ordering was enumerated (exact Shapley values) rather than sampled. */
  readonly exact: boolean;
}

const EXACT_LIMIT = 720;

/**
 * Model-agnostic Shapley values with the baseline as the "absent" value of a feature. Each ordering of the groups
 * walks from the baseline to the input one group at a time; a group's value is its average marginal change. Every
 * walk telescopes to f(input) − f(baseline), so attributions are complete exactly, however few orderings are used.
 * With at most 6 groups (720 orderings) all orderings are enumerated and the values are exact; otherwise
 * `permutations` seeded orderings, each with its reverse (antithetic sampling), are used. One batch call.
 */
export async function sampledShapley(
  predict: (inputs: Float32Array, rows: number) => Promise<Float64Array> | Float64Array,
  columnGroup: Int32Array,
  groupCount: number,
  input: Float32Array,
  baseline: Float32Array,
  outputCount: number,
  permutations: number,
  seed = 1,
): Promise<GroupAttributions> {
  const orderings = orderingsFor(groupCount, permutations, seed);
  const width = input.length;
  const rowsPerWalk = groupCount + 1;
  const rows = orderings.length * rowsPerWalk;
  const matrix = new Float32Array(rows * width);
  const groupColumns: number[][] = Array.from({ length: groupCount }, () => []);
  for (let c = 0; c < width; c++) groupColumns[columnGroup[c]].push(c);
  orderings.forEach((ordering, w) => {
    const current = Float32Array.from(baseline);
    let row = w * rowsPerWalk;
    matrix.set(current, row * width);
    for (const group of ordering) {
      for (const c of groupColumns[group]) current[c] = input[c];
      matrix.set(current, ++row * width);
    }
  });
  const outputs = await predict(matrix, rows);
  const values = new Float64Array(groupCount * outputCount);
  orderings.forEach((ordering, w) => {
    const first = w * rowsPerWalk;
    ordering.forEach((group, step) => {
      for (let o = 0; o < outputCount; o++) {
        values[group * outputCount + o] += outputs[(first + step + 1) * outputCount + o] - outputs[(first + step) * outputCount + o];
      }
    });
  });
  for (let i = 0; i < values.length; i++) values[i] /= orderings.length;
  return {
    values,
    scores: outputs.slice((rowsPerWalk - 1) * outputCount, rowsPerWalk * outputCount),
    baselineScores: outputs.slice(0, outputCount),
    exact: factorial(groupCount) <= EXACT_LIMIT,
  };
}

function orderingsFor(groupCount: number, permutations: number, seed: number): number[][] {
  const identity = Array.from({ length: groupCount }, (_, i) => i);
  if (factorial(groupCount) <= EXACT_LIMIT) return allPermutations(identity);
  const random = seededRandom(seed);
  const orderings: number[][] = [];
  for (let p = 0; p < Math.max(1, Math.ceil(permutations / 2)); p++) {
    const ordering = [...identity];
    shuffleInPlace(ordering, random);
    orderings.push(ordering, [...ordering].reverse());
  }
  return orderings;
}

function allPermutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  const result: number[][] = [];
  items.forEach((item, i) => {
    for (const rest of allPermutations([...items.slice(0, i), ...items.slice(i + 1)])) result.push([item, ...rest]);
  });
  return result;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) {
    f *= i;
    if (f > EXACT_LIMIT) return f;
  }
  return f;
}
