import { SerialPgConnection, type PgResult, type PgStatement } from './serial-pg-connection';

/** A pooled client whose statements complete only when the test says so, recording what reached it and when. */
class ScriptedClient {
  readonly sent: string[] = [];
  private readonly replies: { resolve: (result: PgResult) => void; reject: (error: unknown) => void }[] = [];

  query(statement: PgStatement): Promise<PgResult> {
    this.sent.push(statement.text);
    return new Promise<PgResult>((resolve, reject) => this.replies.push({ resolve, reject }));
  }

  complete(rowCount = 1): void {
    this.replies.shift()!.resolve({ rowCount });
  }

  fail(error: unknown): void {
    this.replies.shift()!.reject(error);
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SerialPgConnection', () => {
  let client: ScriptedClient;
  let acquired: number;
  let released: unknown[];
  let connection: SerialPgConnection;

  beforeEach(() => {
    client = new ScriptedClient();
    acquired = 0;
    released = [];
    connection = new SerialPgConnection(async () => {
      acquired++;
      return [client, (error?: unknown) => void released.push(error ?? 'sound')] as const;
    });
  });

  it('sends each statement only after the one before completed, in submission order, on one connection', async () => {
    const results = ['a', 'b', 'c'].map((text) => connection.run({ text, values: [] }));
    await flush();
    expect(client.sent).toEqual(['a']);
    client.complete(3);
    await flush();
    expect(client.sent).toEqual(['a', 'b']);
    client.complete(4);
    await flush();
    client.complete(5);
    await expect(Promise.all(results)).resolves.toEqual([{ rowCount: 3 }, { rowCount: 4 }, { rowCount: 5 }]);
    expect(acquired).toBe(1);
  });

  it('gives the connection back once nothing is outstanding, and acquires one again for the next statement', async () => {
    const first = connection.run({ text: 'a', values: [] });
    await flush();
    expect(released).toEqual([]);
    client.complete();
    await first;
    await flush();
    expect(released).toEqual(['sound']);
    const second = connection.run({ text: 'b', values: [] });
    await flush();
    client.complete();
    await second;
    expect(acquired).toBe(2);
  });

  it('runs the next statement after one the server refused, and keeps a connection a unique violation left sound', async () => {
    const refused = connection.run({ text: 'a', values: [] });
    const next = connection.run({ text: 'b', values: [] });
    await flush();
    client.fail(Object.assign(new Error('duplicate key'), { code: '23505' }));
    await expect(refused).rejects.toThrow('duplicate key');
    await flush();
    client.complete();
    await expect(next).resolves.toEqual({ rowCount: 1 });
    await flush();
    expect(released).toEqual(['sound']);
  });

  it('makes the pool drop a connection that failed other than by a statement-level error', async () => {
    const lost = new Error('Connection terminated unexpectedly');
    const run = connection.run({ text: 'a', values: [] });
    await flush();
    client.fail(lost);
    await expect(run).rejects.toBe(lost);
    await flush();
    expect(released).toEqual([lost]);
  });
});
