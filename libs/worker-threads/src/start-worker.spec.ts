import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker, workerExecArgv } from './start-worker';

/** A caller file in test-support, so that startWorker finds echo.worker.ts next to it. */
const CALLER = join(__dirname, 'test-support', 'caller.ts');

async function echo(worker: Worker, message: string): Promise<unknown> {
  try {
    const reply = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage(message);
    return await reply;
  } finally {
    await worker.terminate();
  }
}

describe('startWorker', () => {
  it('starts a thread from a TypeScript entry next to the caller', async () => {
    await expect(echo(startWorker(CALLER, 'echo.worker'), 'ping')).resolves.toBe('ping');
  });

  it('still starts the thread when the process runs with V8 flags a thread refuses', async () => {
    const original = [...process.execArgv];
    process.execArgv.push('--max-semi-space-size=64');
    try {
      await expect(echo(startWorker(CALLER, 'echo.worker'), 'pong')).resolves.toBe('pong');
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...original);
    }
  });
});

describe('workerExecArgv', () => {
  it('drops the inspector and adds the TypeScript hook only where a .ts entry lacks it', () => {
    expect(workerExecArgv(true, ['--inspect=9229', '--enable-source-maps'])).toEqual(['--enable-source-maps', '-r', '@swc-node/register']);
    expect(workerExecArgv(true, ['-r', '@swc-node/register'])).toEqual(['-r', '@swc-node/register']);
    expect(workerExecArgv(false, ['--inspect-brk', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
  });
});
