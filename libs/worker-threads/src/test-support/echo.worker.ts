import { parentPort } from 'node:worker_threads';

/** Answers every message with itself: proves a thread started from a .ts entry runs. */
const port = parentPort!;
port.on('message', (message: unknown) => port.postMessage(message));
