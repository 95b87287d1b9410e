/**
 * What a compiled expression reads at run time. Names are resolved at deploy to a slot index, a local, a
 * constant or a raw input key, so evaluation is a property read, never a name search.
 */
export interface FeelFrame {
  /** Input data (after type checks) and decision results, by slot index fixed at deploy. */
  readonly slots: unknown[];
  /** The caller's inputs, read directly for names no input data element declares. */
  inputs: Readonly<Record<string, unknown>>;
  /** Function parameters, iteration variables and context entries in scope. */
  locals: Record<string, unknown> | null;
  /** The value `?` stands for in a unary test. */
  q: unknown;
  /** Problems met while evaluating; allocated on the first one only, kept on the outermost frame. */
  warnings: EvaluationWarning[] | null;
  /** The caller's frame when this one runs a function body. */
  readonly parent: FeelFrame | null;
}

export type EvaluationWarningCode =
  | 'INPUT_TYPE_MISMATCH'
  | 'OUTPUT_TYPE_MISMATCH'
  | 'HIT_POLICY_VIOLATION'
  | 'INVALID_EXPRESSION'
  | 'NOT_A_FUNCTION';

/** A run-time problem. Names the element, never the value: values may be personal data. */
export interface EvaluationWarning {
  readonly code: EvaluationWarningCode;
  /** Input data, decision or table the problem is about. */
  readonly element: string;
  readonly message: string;
}

export function warn(frame: FeelFrame, warning: EvaluationWarning): void {
  let root = frame;
  while (root.parent !== null) root = root.parent;
  (root.warnings ??= []).push(warning);
}

const NO_INPUTS: Readonly<Record<string, unknown>> = Object.freeze({});

const NO_SLOTS: unknown[] = [];

export function newFrame(slotCount: number, inputs: Readonly<Record<string, unknown>> = NO_INPUTS): FeelFrame {
  const slots = slotCount === 0 ? NO_SLOTS : new Array<unknown>(slotCount).fill(null);
  return { slots, inputs, locals: null, q: null, warnings: null, parent: null };
}

/**
 * Hands out one reusable frame per model, so a steady stream of evaluations allocates no frames. Evaluation
 * is synchronous; a nested evaluation while the frame is in use gets a fresh one.
 */
export class FramePool {
  private readonly frame: FeelFrame;
  private busy = false;

  constructor(private readonly slotCount: number) {
    this.frame = newFrame(slotCount);
  }

  /** Pair every acquire with a release in a `finally`. */
  acquire(inputs: Readonly<Record<string, unknown>>): FeelFrame {
    if (this.busy) return newFrame(this.slotCount, inputs);
    const frame = this.frame;
    frame.slots.fill(null);
    frame.inputs = inputs;
    frame.locals = null;
    frame.q = null;
    frame.warnings = null;
    this.busy = true;
    return frame;
  }

  release(frame: FeelFrame): void {
    if (frame !== this.frame) return;
    this.busy = false;
    // Drop the caller's data: the pooled frame must not keep inputs or results reachable.
    frame.inputs = NO_INPUTS;
    frame.warnings = null;
  }
}

/** A frame for a function body: only its parameters are visible; warnings go to the caller's frame. */
export function childFrame(parent: FeelFrame | null, locals: Record<string, unknown>): FeelFrame {
  return { slots: NO_SLOTS, inputs: NO_INPUTS, locals, q: null, warnings: null, parent };
}

/** A compiled FEEL expression. */
export type Evaluator = (frame: FeelFrame) => unknown;

/** A compiled input entry: `true` on a match, `false` or `null` otherwise. */
export type UnaryTest = (value: unknown, frame: FeelFrame) => boolean | null;
