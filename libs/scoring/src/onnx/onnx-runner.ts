import { KairosError } from '@kairos/contracts';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelRunner } from '../runtime/model-runner';

export interface OnnxRunnerOptions {
  /** The graph input fed with the encoded rows, shape [rows, inputWidth], float32. */
  readonly inputName: string;
  /** The graph output holding probabilities, shape [rows, outputCount]. */
  readonly outputName: string;
  readonly inputWidth: number;
  readonly outputCount: number;
}

type OnnxRuntimeModule = { InferenceSession: typeof InferenceSession; Tensor: typeof Tensor };
let runtime: OnnxRuntimeModule | undefined;

/** Loaded on first use: the native binding is large and most processes never see an ONNX model. */
function onnxRuntime(): OnnxRuntimeModule {
  runtime ??= require('onnxruntime-node') as OnnxRuntimeModule;
  return runtime;
}

/**
 * An ONNX model (e.g. trained in Python and exported) as a `ModelRunner`, on onnxruntime-node's CPU provider.
 * Asynchronous and not differentiable here: its explanations are model-agnostic (sampled Shapley).
 */
export class OnnxRunner implements ModelRunner {
  readonly format = 'onnx' as const;
  readonly inputWidth: number;
  readonly outputCount: number;

  private constructor(
    private readonly session: InferenceSession,
    private readonly options: OnnxRunnerOptions,
  ) {
    this.inputWidth = options.inputWidth;
    this.outputCount = options.outputCount;
  }

  /** Creates the session from the model bytes and checks names and shapes with a probe row. */
  static async fromBytes(bytes: Uint8Array, options: OnnxRunnerOptions): Promise<OnnxRunner> {
    let session: InferenceSession;
    try {
      session = await onnxRuntime().InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    } catch (error) {
      throw new KairosError('VALIDATION_FAILED', 'not a loadable ONNX model', [{ path: 'model', rule: 'onnx', message: firstLine(error) }]);
    }
    const problems: string[] = [];
    if (!session.inputNames.includes(options.inputName)) problems.push(`the graph has no input ${options.inputName} (inputs: ${session.inputNames.join(', ')})`);
    if (!session.outputNames.includes(options.outputName)) problems.push(`the graph has no output ${options.outputName} (outputs: ${session.outputNames.join(', ')})`);
    if (problems.length > 0) {
      await session.release();
      throw new KairosError('VALIDATION_FAILED', 'the ONNX graph does not match its card', problems.map((message) => ({ path: 'onnx', rule: 'onnx_names', message })));
    }
    const runner = new OnnxRunner(session, options);
    let probe: Float32Array;
    try {
      probe = await runner.run(new Float32Array(options.inputWidth), 1);
    } catch (error) {
      await session.release();
      throw new KairosError('VALIDATION_FAILED', 'the ONNX graph does not accept the signature', [{ path: 'onnx', rule: 'onnx_shape', message: firstLine(error) }]);
    }
    if (probe.length !== options.outputCount) {
      await session.release();
      throw new KairosError('VALIDATION_FAILED', 'the ONNX graph does not match its card', [
        { path: 'onnx', rule: 'onnx_shape', message: `output ${options.outputName} gives ${probe.length} values per row, the signature declares ${options.outputCount}` },
      ]);
    }
    return runner;
  }

  async run(inputs: Float32Array, rows: number): Promise<Float32Array> {
    const { Tensor: OrtTensor } = onnxRuntime();
    const feed = { [this.options.inputName]: new OrtTensor('float32', inputs.subarray(0, rows * this.inputWidth), [rows, this.inputWidth]) };
    const result = await this.session.run(feed, [this.options.outputName]);
    return Float32Array.from(result[this.options.outputName].data as Float32Array);
  }

  dispose(): void {
    void this.session.release();
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}
