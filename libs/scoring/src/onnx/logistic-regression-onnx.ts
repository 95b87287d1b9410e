import { encodeOnnxModel } from './onnx-model-writer';

/**
 * p = sigmoid(weights · x + bias) as an ONNX graph (MatMul, Add, Sigmoid) with input `features` [rows, n] and
 * outputs `probability` and `logit` [rows, 1]: the smallest real ONNX scoring model, for tests and demos of the
 * ONNX path without a Python export.
 */
export function logisticRegressionOnnx(weights: readonly number[], bias: number): Uint8Array {
  return encodeOnnxModel({
    name: 'logistic_regression',
    nodes: [
      { opType: 'MatMul', inputs: ['features', 'weights'], outputs: ['product'] },
      { opType: 'Add', inputs: ['product', 'bias'], outputs: ['logit'] },
      { opType: 'Sigmoid', inputs: ['logit'], outputs: ['probability'] },
    ],
    initializers: [
      { name: 'weights', dims: [weights.length, 1], values: weights },
      { name: 'bias', dims: [1], values: [bias] },
    ],
    inputs: [{ name: 'features', shape: ['rows', weights.length] }],
    outputs: [
      { name: 'probability', shape: ['rows', 1] },
      { name: 'logit', shape: ['rows', 1] },
    ],
  });
}
