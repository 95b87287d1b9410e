import { loadavg } from 'node:os';
import { BankSimulation } from '../simulation/bank-simulation';

/**
 * Generation throughput: `node -r @swc-node/register tools/simulator/src/bench/generation-throughput.bench.ts
 * [customers] [days]`. Measures event generation alone (events discarded batch by batch) and generation plus
 * JSON serialisation (what the file and HTTP writers add), after a warm-up run.
 */
interface Measurement {
  readonly events: number;
  readonly seconds: number;
  /** CPU time of the process (all threads, incl. GC helpers): comparable on a busy machine, unlike wall time. */
  readonly cpuSeconds: number;
  readonly peakHeapMiB: number;
  readonly jsonMiB: number;
}

function measure(customers: number, days: number, serialise: boolean): Measurement {
  const simulation = new BankSimulation({ seed: 42, customers, days });
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let events = 0;
  let bytes = 0;
  let heap = 0;
  for (const batch of simulation.eventBatches()) {
    events += batch.length;
    if (serialise) for (const event of batch) bytes += JSON.stringify(event).length;
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { events, seconds, cpuSeconds, peakHeapMiB: Math.round(heap / 2 ** 20), jsonMiB: Math.round(bytes / 2 ** 20) };
}

const customers = Number(process.argv[2] ?? 10_000);
const days = Number(process.argv[3] ?? 30);
measure(500, 10, true);
for (const serialise of [false, true]) {
  const { events, seconds, cpuSeconds, ...memory } = measure(customers, days, serialise);
  const line = {
    bench: serialise ? 'generate+json' : 'generate',
    customers,
    days,
    events,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(events / seconds),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    eventsPerCpuSecond: Math.round(events / cpuSeconds),
    loadAverage: Number(loadavg()[0].toFixed(1)),
    ...memory,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
