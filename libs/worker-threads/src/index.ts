export { startWorker, workerExecArgv } from './start-worker';
