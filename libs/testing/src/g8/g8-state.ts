/** What libs/testing/src/g8/g8-capture.js keeps per process; TypeScript code reaches it through the core `fs` module. */
export interface G8CaptureState {
  /** The test file running now, named in every record. */
  context?: string;
  /** Canary values produced since the last `produced` record. */
  produced?: number;
  record(kind: string, where: string, text: string): void;
}

/** The capture state, or undefined when the process was started without the G8 preload (a plain `npx jest`). */
export function g8CaptureState(): G8CaptureState | undefined {
  return (require('node:fs') as Record<symbol, G8CaptureState | undefined>)[Symbol.for('kairos.g8.capture')];
}
