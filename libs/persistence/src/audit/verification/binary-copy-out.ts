import type { Connection, Submittable } from 'pg';
import { BinaryCopyRows, type BinaryCopyRow } from './binary-copy-rows';

/**
 * `COPY (<query>) TO STDOUT (FORMAT binary)` run on a pg Client (`client.query(copy)`), each row handed to `onRow` as
 * its bytes arrive; `done` settles once the server is ready for the next query. pg's own Query has no COPY support, so
 * this is the small part of its query protocol a COPY out needs: pg passes the CopyData messages through as they are,
 * without parsing a row into strings and typed values (the reader decodes only what it uses, and hashes bytes as sent).
 */
export class BinaryCopyOut implements Submittable {
  readonly done: Promise<void>;
  private readonly rows: BinaryCopyRows;
  private failure: Error | undefined;
  private settle!: (failure: Error | undefined) => void;

  constructor(
    private readonly text: string,
    fieldCount: number,
    onRow: (row: BinaryCopyRow) => void,
  ) {
    this.rows = new BinaryCopyRows(fieldCount, onRow);
    this.done = new Promise<void>((resolve, reject) => (this.settle = (failure) => (failure === undefined ? resolve() : reject(failure))));
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyData(message: { readonly chunk: Buffer }): void {
    // After a failure the rest of the stream is drained unread; the query still ends with ReadyForQuery.
    if (this.failure !== undefined) return;
    try {
      this.rows.push(message.chunk);
    } catch (error) {
      this.failure = error as Error;
    }
  }

  handleReadyForQuery(): void {
    if (this.failure === undefined) {
      try {
        this.rows.finish();
      } catch (error) {
        this.failure = error as Error;
      }
    }
    this.settle(this.failure);
  }

  /** The server refused or broke off the COPY, or the connection was lost: pg then forgets this query. */
  handleError(error: Error): void {
    this.settle(error);
  }

  handleCommandComplete(): void {}

  handleRowDescription(): void {
    this.failure ??= new Error('a COPY answered with rows');
  }

  handleDataRow(): void {}

  handleEmptyQuery(): void {
    this.failure ??= new Error('an empty COPY query');
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: Connection): void {
    this.failure ??= new Error('a COPY out answered as a COPY in');
    (connection as unknown as { sendCopyFail(message: string): void }).sendCopyFail('this query only reads');
  }
}
