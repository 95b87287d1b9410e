import { dirname, extname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The TypeScript hook a thread needs to load a .ts entry (under jest or `node -r @swc-node/register`). */
const TYPESCRIPT_HOOK = ['-r', '@swc-node/register'];

/**
 * Starts the worker thread whose entry `<entryName>` sits next to `callerFile` (the caller's `__filename`), with the
 * caller's extension: `.js` once built, `.ts` when run from source, where the thread then needs the TypeScript hook
 * too. The thread inherits the process's flags, except the inspector's (a second debugger on the same port) and,
 * should the thread refuse them, V8 flags a thread cannot set for itself (`--max-semi-space-size`, `--trace-gc`, …):
 * a process started with those still gets its threads, with the hook alone.
 */
export function startWorker(callerFile: string, entryName: string, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  const entry = join(dirname(callerFile), `${entryName}${extname(callerFile)}`);
  const typeScript = extname(callerFile) === '.ts';
  try {
    return new Worker(entry, { ...options, execArgv: workerExecArgv(typeScript) });
  } catch (error) {
    if ((error as { code?: string })?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(entry, { ...options, execArgv: typeScript ? TYPESCRIPT_HOOK : [] });
  }
}

/** The process's flags for a thread: without the inspector's, with the TypeScript hook when a .ts entry needs it. */
export function workerExecArgv(typeScriptEntry: boolean, execArgv: readonly string[] = process.execArgv): string[] {
  const inherited = execArgv.filter((arg) => !arg.startsWith('--inspect'));
  const hooked = !typeScriptEntry || inherited.some((arg) => arg.includes('@swc-node/register'));
  return hooked ? inherited : [...inherited, ...TYPESCRIPT_HOOK];
}
