/**
 * One dense layer over a block of rows, the batch kernel of `DenseNetwork.predictInto`: above[r, u] = bias[u] +
 * Σᵢ kernel[u, i] · below[r, i] (kernel row-major by unit, rows row-major), ReLU applied as it is stored when
 * `relu`. Each sum adds its terms in the order of the one-row forward pass, so results are equal bit for bit.
 * Four rows × two units per pass: each kernel and input read serves several products, and eight independent sums
 * replace one long chain of dependent additions (about 2.5× faster on the shipped models).
 */
export function denseRows(kernel: Float64Array, bias: Float64Array, inputs: number, units: number, below: Float64Array, above: Float64Array, rows: number, relu: boolean): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const b0 = r * inputs;
    const b1 = b0 + inputs;
    const b2 = b1 + inputs;
    const b3 = b2 + inputs;
    const o0 = r * units;
    const o1 = o0 + units;
    const o2 = o1 + units;
    const o3 = o2 + units;
    let u = 0;
    for (; u + 2 <= units; u += 2) {
      const k = u * inputs;
      const kk = k + inputs;
      let s0 = bias[u];
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      let t0 = bias[u + 1];
      let t1 = t0;
      let t2 = t0;
      let t3 = t0;
      for (let i = 0; i < inputs; i++) {
        const w = kernel[k + i];
        const v = kernel[kk + i];
        const x0 = below[b0 + i];
        const x1 = below[b1 + i];
        const x2 = below[b2 + i];
        const x3 = below[b3 + i];
        s0 += w * x0;
        s1 += w * x1;
        s2 += w * x2;
        s3 += w * x3;
        t0 += v * x0;
        t1 += v * x1;
        t2 += v * x2;
        t3 += v * x3;
      }
      above[o0 + u] = rectified(s0, relu);
      above[o1 + u] = rectified(s1, relu);
      above[o2 + u] = rectified(s2, relu);
      above[o3 + u] = rectified(s3, relu);
      above[o0 + u + 1] = rectified(t0, relu);
      above[o1 + u + 1] = rectified(t1, relu);
      above[o2 + u + 1] = rectified(t2, relu);
      above[o3 + u + 1] = rectified(t3, relu);
    }
    // An odd last unit (a head with one or three outputs).
    if (u < units) for (let q = r; q < r + 4; q++) above[q * units + u] = rectified(unitSum(kernel, bias, inputs, u, below, q * inputs), relu);
  }
  for (; r < rows; r++) for (let u = 0; u < units; u++) above[r * units + u] = rectified(unitSum(kernel, bias, inputs, u, below, r * inputs), relu);
}

/** bias[u] + Σᵢ kernel[u, i] · below[at + i], in the one-row forward pass's order. */
function unitSum(kernel: Float64Array, bias: Float64Array, inputs: number, u: number, below: Float64Array, at: number): number {
  const k = u * inputs;
  let sum = bias[u];
  for (let i = 0; i < inputs; i++) sum += kernel[k + i] * below[at + i];
  return sum;
}

/** `activate('relu', z)` when `relu`, else z unchanged. */
function rectified(z: number, relu: boolean): number {
  return relu && !(z > 0) ? 0 : z;
}
