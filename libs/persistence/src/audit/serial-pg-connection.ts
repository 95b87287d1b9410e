/** One statement for the pg driver: parameters by position, prepared under `name` (parsed once per connection). */
export interface PgStatement {
  readonly name?: string;
  readonly text: string;
  readonly values: unknown[];
}

export interface PgResult {
  readonly rowCount: number | null;
}

/** The slice of a pooled pg client the connection drives. */
interface PgClient {
  query(statement: PgStatement): Promise<PgResult>;
}

/** A pooled connection and how to give it back (`release(error)` makes the pool drop it instead). */
export type AcquirePgConnection = () => Promise<readonly [PgClient, (error?: unknown) => void]>;

/**
 * SQLSTATE classes after which the connection is still sound: integrity violations (23, a unique index refusing a
 * row) and rollbacks (40, serialization failure or deadlock).
 */
const STATEMENT_LEVEL_ERRORS = /^(23|40)/;

/**
 * One pooled connection on which statements run strictly in the order they were submitted, each its own
 * transaction. A statement is queued here as soon as it is submitted and sent the moment the one before it
 * completed (from the promise reaction of that reply: no pool checkout and no turn of the event loop in between), so
 * while the server runs one, the event loop can already prepare the next ones. The connection is held only while
 * statements are outstanding and goes back to the pool once none are.
 */
export class SerialPgConnection {
  private connection: ReturnType<AcquirePgConnection> | undefined;
  private outstanding = 0;
  /** Settles when the statement submitted last has completed. */
  private previous: Promise<unknown> = Promise.resolve();
  /** A statement failed in a way that may have left the connection broken: the pool drops it when it comes back. */
  private unsound: unknown;

  constructor(private readonly acquire: AcquirePgConnection) {}

  /** Runs `statement` once everything submitted before it has completed. */
  run(statement: PgStatement): Promise<PgResult> {
    this.outstanding++;
    const connection = (this.connection ??= this.acquire());
    const result = this.previous
      .then(() => connection)
      .then(([client]) =>
        client.query(statement).catch((error: unknown) => {
          const code = (error as { code?: unknown })?.code;
          if (typeof code !== 'string' || !STATEMENT_LEVEL_ERRORS.test(code)) this.unsound ??= error;
          throw error;
        }),
      );
    const settled = () => this.settled(connection);
    this.previous = result.then(settled, settled);
    return result;
  }

  private settled(connection: ReturnType<AcquirePgConnection>): void {
    if (--this.outstanding > 0) return;
    // Nothing is queued on the connection any more: back to the pool; the next statement acquires one again.
    const unsound = this.unsound;
    this.connection = undefined;
    this.unsound = undefined;
    connection.then(([, release]) => release(unsound), () => undefined);
  }
}
