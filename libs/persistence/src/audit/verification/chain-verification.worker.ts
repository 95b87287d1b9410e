import { parentPort, workerData } from 'node:worker_threads';
import { openChainReader, type ChainReader } from './chain-page-readers';
import type { ChainVerificationReply, ChainVerificationRequest, ChainVerificationSettings } from './chain-verification-protocol';

/**
 * A verification thread: a read connection of its own, and one chain at a time checked by the verifier's ChainCheck
 * (see ChainVerificationPool). The connection is opened as the thread starts (see start()); 'close' ends it and the
 * thread.
 */
if (!parentPort) throw new Error('chain-verification.worker must run as a worker thread');
const port = parentPort;
const settings = workerData as ChainVerificationSettings;
let reader: Promise<ChainReader> | undefined;
/** Chains are checked one after another: the pool sends the next only after the reply, but a queue costs nothing. */
let tail: Promise<unknown> = Promise.resolve();

port.on('message', (message: ChainVerificationRequest | 'close') => {
  tail = tail.then(() => (message === 'close' ? close() : verify(message)));
});

async function verify(request: ChainVerificationRequest): Promise<void> {
  let reply: ChainVerificationReply;
  try {
    reader ??= openChainReader(settings.source, settings.recordsTable);
    const outcome = await (await reader).verifyChain(request.chain, request.proofs, request.pageSize ?? settings.pageSize);
    reply = { kind: 'verified', taskId: request.taskId, outcome };
  } catch (error) {
    // The connection may be what failed: the next chain opens a fresh one.
    const failed = reader;
    reader = undefined;
    void failed?.then((r) => r.close()).catch(() => undefined);
    reply = { kind: 'failed', taskId: request.taskId, message: (error as Error)?.message ?? String(error) };
  }
  port.postMessage(reply);
}

void start();

/**
 * The connection is opened as the thread starts rather than on the first chain (a new PostgreSQL backend and the first
 * query on it cost the first verification on new threads a few percent); if that fails, the first chain opens it again.
 */
async function start(): Promise<void> {
  const opening = openChainReader(settings.source, settings.recordsTable);
  reader = opening;
  await opening.catch(() => {
    if (reader === opening) reader = undefined;
  });
  port.postMessage({ kind: 'ready' } satisfies ChainVerificationReply);
}

async function close(): Promise<void> {
  const opened = reader;
  reader = undefined;
  await opened?.then((r) => r.close()).catch(() => undefined);
  port.close();
}
