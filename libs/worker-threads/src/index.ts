export { PendingReplies, type PendingReply } from './pending-replies';
export { startWorker, workerExecArgv } from './start-worker';
