import { CliUsageError, parseCliArguments } from './cli-arguments';
import { DEMO_POPULATION_OPTIONS } from './simulation/demo-population';

describe('parseCliArguments', () => {
  it('reads population and file output', () => {
    expect(parseCliArguments(['--seed', '42', '--customers', '1000', '--days', '90', '--out', './tmp/sim'])).toEqual({
      kind: 'run',
      simulation: { seed: 42, customers: 1000, days: 90 },
      outDir: './tmp/sim',
    });
  });

  it('reads HTTP output with defaults for the rest', () => {
    expect(parseCliArguments(['--http', 'http://127.0.0.1:3000', '--start', '2025-06-02', '--churn-rate', '0.05', '--card-identifiers'])).toEqual({
      kind: 'run',
      simulation: { seed: 42, customers: 1000, days: 90, startDate: '2025-06-02', monthlyChurnRate: 0.05, cardEventsIdentifiedBy: 'cardId' },
      http: { baseUrl: 'http://127.0.0.1:3000', apiKey: 'demo-channel', batchSize: 500, concurrency: 4, maxAttempts: 10 },
    });
  });

  it('uses the demo preset and refuses to mix it with population options', () => {
    expect(parseCliArguments(['--demo', '--http', 'http://localhost:3000', '--api-key', 'k', '--batch-size', '50'])).toMatchObject({
      simulation: DEMO_POPULATION_OPTIONS,
      http: { apiKey: 'k', batchSize: 50 },
    });
    expect(() => parseCliArguments(['--demo', '--customers', '5'])).toThrow(CliUsageError);
  });

  it('answers --help and refuses unknown or malformed options', () => {
    expect(parseCliArguments(['--help'])).toEqual({ kind: 'help' });
    expect(() => parseCliArguments(['--sed', '1'])).toThrow(CliUsageError);
    expect(() => parseCliArguments(['--days', 'ten'])).toThrow(/--days must be an integer/);
    expect(() => parseCliArguments(['--http', 'localhost:3000'])).toThrow(/--http/);
    expect(() => parseCliArguments(['stray'])).toThrow(CliUsageError);
  });
});
