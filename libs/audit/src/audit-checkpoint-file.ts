import { closeSync, createReadStream, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export const CHECKPOINT_FILE_NAME = 'audit-checkpoints.ndjson';

/**
 * The external, append-only NDJSON file of signed checkpoints (one per line). It sits outside the database, in a
 * directory the database's users cannot write, and is the evidence the verifier trusts; the audit_checkpoints table
 * is a convenience copy.
 *
 * Appends are synchronous on purpose: they run inside the store's checkpoint transaction (SQLite transactions on a
 * shared connection cannot yield to the event loop), and each line is written with one write(2) then fsync'd before
 * the checkpoint counts as made.
 */
export class AuditCheckpointFile {
  readonly path: string;

  constructor(directory: string) {
    this.path = join(directory, CHECKPOINT_FILE_NAME);
  }

  append(line: string): void {
    if (line.includes('\n')) throw new Error('a checkpoint line cannot contain a newline');
    const created = !existsSync(this.path);
    if (created) mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a+', 0o644);
    try {
      dropTornTail(fd);
      writeSync(fd, `${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) syncDirectory(dirname(this.path));
  }

  /** The last complete line, or null for an empty or missing file. */
  lastLine(): string | null {
    if (!existsSync(this.path)) return null;
    const fd = openSync(this.path, 'r');
    try {
      const end = lastNewlineInFd(fd, fstatSync(fd).size);
      if (end < 0) return null;
      const begin = lastNewlineInFd(fd, end);
      const buffer = Buffer.alloc(end - begin - 1);
      readSync(fd, buffer, 0, buffer.length, begin + 1);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Complete lines with their 1-based line numbers. A final fragment without a newline is a line still being written
   * (or torn by a crash, and cut off by the next append): it is not evidence yet and is left out.
   */
  async *lines(): AsyncGenerator<{ readonly lineNumber: number; readonly text: string }> {
    if (!existsSync(this.path)) return;
    const size = statSync(this.path).size;
    if (size === 0) return;
    const terminated = lastNewlineBefore(this.path, size) === size - 1;
    const reader = createInterface({ input: createReadStream(this.path, { encoding: 'utf8', start: 0, end: size - 1 }), crlfDelay: Infinity });
    let lineNumber = 0;
    let previous: string | undefined;
    for await (const text of reader) {
      if (previous !== undefined) yield { lineNumber, text: previous };
      lineNumber++;
      previous = text;
    }
    if (previous !== undefined && terminated) yield { lineNumber, text: previous };
  }
}

/** Offset of the last newline before `end` (exclusive), or -1; reads backwards in chunks. */
function lastNewlineBefore(path: string, end: number): number {
  const fd = openSync(path, 'r');
  try {
    return lastNewlineInFd(fd, end);
  } finally {
    closeSync(fd);
  }
}

function lastNewlineInFd(fd: number, end: number): number {
  const chunk = Buffer.alloc(65_536);
  for (let to = end; to > 0; ) {
    const from = Math.max(0, to - chunk.length);
    readSync(fd, chunk, 0, to - from, from);
    const at = chunk.subarray(0, to - from).lastIndexOf(0x0a);
    if (at >= 0) return from + at;
    to = from;
  }
  return -1;
}

/** Cuts a fragment a crashed writer left after the last newline; it was never acknowledged as a checkpoint. */
function dropTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  const lastNewline = lastNewlineInFd(fd, size);
  if (lastNewline !== size - 1) ftruncateSync(fd, lastNewline + 1);
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
