import { parseArgs } from 'node:util';
import { DEMO_POPULATION_OPTIONS } from './simulation/demo-population';
import type { SimulationOptions } from './simulation/simulation-options';

export const USAGE = `Usage: npm run simulate -- [options]

Generates a seeded synthetic bank (customers, event streams, ground-truth labels).

Population
  --seed <int>             random seed (default 42); same seed and options give identical output
  --customers <n>          number of customers (default 1000)
  --days <n>               simulated days (default 90)
  --start <YYYY-MM-DD>     first simulated day (default 2025-01-06)
  --churn-rate <rate>      average monthly churn rate, 0-0.5 (default 0.03)
  --card-identifiers       card events name the customer by identifiers.cardId instead of customerId
  --demo                   the demo population (200 customers, 30 days, fixed seed); --start may move it

Output (without --out or --http the events are only generated and counted)
  --out <dir>              write events.ndjson, labels.ndjson, customers.ndjson, manifest.json
  --http <baseUrl>         POST batches to <baseUrl>/v1/events
  --api-key <key>          bearer token for --http (default demo-channel)
  --batch-size <n>         events per request (default 500)
  --concurrency <n>        requests in flight (default 4)
  --max-attempts <n>       attempts per batch before giving up (default 10)

  --help                   this text

Examples
  npm run simulate -- --seed 42 --customers 1000 --days 90 --out ./tmp/sim
  npm run simulate -- --demo --http http://127.0.0.1:3000 --api-key demo-channel
`;

export type CliCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'run';
      readonly simulation: SimulationOptions;
      readonly outDir?: string;
      readonly http?: { readonly baseUrl: string; readonly apiKey: string; readonly batchSize: number; readonly concurrency: number; readonly maxAttempts: number };
    };

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function parseCliArguments(argv: readonly string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        customers: { type: 'string' },
        days: { type: 'string' },
        start: { type: 'string' },
        'churn-rate': { type: 'string' },
        'card-identifiers': { type: 'boolean' },
        demo: { type: 'boolean' },
        out: { type: 'string' },
        http: { type: 'string' },
        'api-key': { type: 'string' },
        'batch-size': { type: 'string' },
        concurrency: { type: 'string' },
        'max-attempts': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };

  const base: SimulationOptions = values.demo
    ? DEMO_POPULATION_OPTIONS
    : { seed: integer(values, 'seed', 42), customers: integer(values, 'customers', 1000), days: integer(values, 'days', 90) };
  if (values.demo && (values.seed !== undefined || values.customers !== undefined || values.days !== undefined)) {
    throw new CliUsageError('--demo fixes --seed, --customers and --days');
  }
  const simulation: SimulationOptions = {
    ...base,
    ...(typeof values.start === 'string' ? { startDate: values.start } : {}),
    ...(values['churn-rate'] !== undefined ? { monthlyChurnRate: number(values, 'churn-rate') } : {}),
    ...(values['card-identifiers'] ? { cardEventsIdentifiedBy: 'cardId' as const } : {}),
  };
  const httpUrl = values.http;
  if (typeof httpUrl === 'string' && !/^https?:\/\/[^\s/]+/.test(httpUrl)) throw new CliUsageError('--http needs a URL such as http://127.0.0.1:3000');
  return {
    kind: 'run',
    simulation,
    ...(typeof values.out === 'string' ? { outDir: values.out } : {}),
    ...(typeof httpUrl === 'string'
      ? {
          http: {
            baseUrl: httpUrl,
            apiKey: typeof values['api-key'] === 'string' ? values['api-key'] : 'demo-channel',
            batchSize: integer(values, 'batch-size', 500),
            concurrency: integer(values, 'concurrency', 4),
            maxAttempts: integer(values, 'max-attempts', 10),
          },
        }
      : {}),
  };
}

function integer(values: Record<string, string | boolean | undefined>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw new CliUsageError(`--${name} must be an integer`);
  return Number(raw);
}

function number(values: Record<string, string | boolean | undefined>, name: string): number {
  const raw = values[name];
  const parsed = typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(parsed)) throw new CliUsageError(`--${name} must be a number`);
  return parsed;
}
