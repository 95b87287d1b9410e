import * as tf from '@tensorflow/tfjs';

export type TensorflowBackendName = 'tensorflow' | 'wasm' | 'cpu';

let prepared: Promise<TensorflowBackendName> | undefined;

/**
 * Picks the fastest TF.js backend available, once per process: the native `tensorflow` backend when
 * `@tensorflow/tfjs-node` happens to be installed (it cannot be installed on every machine, so it is only ever
 * required dynamically), else WebAssembly, else plain JavaScript. `preferred` forces wasm or cpu (tests, benchmarks,
 * bit-for-bit reproducible training on one backend).
 */
export function prepareTensorflow(preferred?: 'wasm' | 'cpu'): Promise<TensorflowBackendName> {
  if (preferred) return selectBackend(preferred);
  prepared ??= selectBackend(undefined);
  return prepared;
}

async function selectBackend(preferred: 'wasm' | 'cpu' | undefined): Promise<TensorflowBackendName> {
  // The "install tfjs-node" banner and debug checks are noise in a server that chose its backend on purpose.
  tf.env().set('PROD', true);
  if (preferred === undefined && tryNativeBackend() && (await trySetBackend('tensorflow'))) return 'tensorflow';
  if (preferred !== 'cpu') {
    try {
      require('@tensorflow/tfjs-backend-wasm');
      if (await trySetBackend('wasm')) return 'wasm';
    } catch {
      // No usable WebAssembly build: fall through to the JavaScript backend.
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

function tryNativeBackend(): boolean {
  const nativeModule = '@tensorflow/tfjs-node';
  try {
    require(nativeModule);
    return true;
  } catch {
    return false;
  }
}

async function trySetBackend(name: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}
