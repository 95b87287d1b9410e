import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffleInPlace } from '@kairos/random';

export interface NetworkSettings {
  readonly hiddenUnits: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** L2 penalty on kernels. */
  readonly l2: number;
  readonly seed: number;
}

/** Encoded rows and per-output targets: 1, 0, or −1 where the output's label does not apply to the row. */
export interface TrainingMatrix {
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly rows: number;
  readonly width: number;
  readonly outputs: number;
}

/**
 * Binary cross-entropy over the outputs whose label applies to the row. Propensity heads are asked only of
 * customers without the product, so one network learns every head from rows that answer only some of them.
 */
function maskedBinaryCrossEntropy(targets: tf.Tensor, predictions: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mask = tf.cast(tf.greaterEqual(targets, 0), 'float32');
    const y = tf.mul(targets, mask);
    const p = tf.clipByValue(predictions, 1e-7, 1 - 1e-7);
    const losses = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
    return tf.div(tf.sum(tf.mul(losses, mask)), tf.maximum(tf.sum(mask), 1));
  });
}

export function buildNetwork(width: number, outputs: number, settings: NetworkSettings): tf.Sequential {
  const model = tf.sequential();
  let seed = settings.seed;
  settings.hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [width] } : {}),
        kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
        kernelRegularizer: settings.l2 > 0 ? tf.regularizers.l2({ l2: settings.l2 }) : undefined,
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: outputs,
      activation: 'sigmoid',
      ...(settings.hiddenUnits.length === 0 ? { inputShape: [width] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(settings.learningRate), loss: maskedBinaryCrossEntropy });
  return model;
}

/** Masked log loss of `model` on `data`. */
export function maskedLogLoss(model: tf.LayersModel, data: TrainingMatrix): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(data.inputs, [data.rows, data.width]);
    const y = tf.tensor2d(data.targets, [data.rows, data.outputs]);
    return maskedBinaryCrossEntropy(y, model.predict(x, { batchSize: 4096 }) as tf.Tensor).dataSync()[0];
  });
}

export interface TrainingLog {
  readonly epochs: readonly { readonly epoch: number; readonly trainLoss: number; readonly validationLoss: number }[];
  readonly bestEpoch: number;
}

/**
 * Mini-batch training with a seeded shuffle per epoch (TF.js' own shuffle uses Math.random), keeping the weights
 * of the epoch with the lowest validation loss. Same seed, data and backend → same model.
 */
export async function trainNetwork(model: tf.LayersModel, train: TrainingMatrix, validation: TrainingMatrix, settings: NetworkSettings): Promise<TrainingLog> {
  const random = seededRandom(settings.seed ^ 0x5eed);
  const order = Int32Array.from({ length: train.rows }, (_, i) => i);
  const xs = tf.tensor2d(train.inputs, [train.rows, train.width]);
  const ys = tf.tensor2d(train.targets, [train.rows, train.outputs]);
  const epochs: { epoch: number; trainLoss: number; validationLoss: number }[] = [];
  let best = { loss: Infinity, epoch: -1, weights: [] as tf.Tensor[] };
  try {
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < train.rows; start += settings.batchSize) {
        const indexes = tf.tensor1d(order.subarray(start, Math.min(train.rows, start + settings.batchSize)), 'int32');
        const bx = tf.gather(xs, indexes);
        const by = tf.gather(ys, indexes);
        const loss = await model.trainOnBatch(bx, by);
        lossSum += Array.isArray(loss) ? loss[0] : loss;
        batches++;
        tf.dispose([indexes, bx, by]);
      }
      const validationLoss = maskedLogLoss(model, validation);
      epochs.push({ epoch, trainLoss: lossSum / Math.max(1, batches), validationLoss });
      if (validationLoss < best.loss) {
        tf.dispose(best.weights);
        best = { loss: validationLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      }
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
  } finally {
    tf.dispose([xs, ys, ...best.weights]);
  }
  return { epochs, bestEpoch: best.epoch };
}
