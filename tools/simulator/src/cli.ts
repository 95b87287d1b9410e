import { CliUsageError, USAGE, parseCliArguments } from './cli-arguments';
import { BankSimulation } from './simulation/bank-simulation';
import { HttpDeliveryError, postEvents } from './writers/http-event-writer';
import { writeSimulationFiles } from './writers/ndjson-file-writer';

/** `npm run simulate -- <args>`: prints one JSON summary line per step to stdout. */
async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCliArguments(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let simulation: BankSimulation;
  try {
    simulation = new BankSimulation(command.simulation);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const { seed, customers, days, startDate } = simulation.options;
  print({ step: 'population', seed, customers, days, startDate });

  if (command.outDir === undefined && command.http === undefined) {
    const started = performance.now();
    let events = 0;
    for (const batch of simulation.eventBatches()) events += batch.length;
    print({ step: 'generated', events, eventsPerSecond: rate(events, started) });
  }
  if (command.outDir !== undefined) {
    const started = performance.now();
    const files = await writeSimulationFiles(simulation, command.outDir);
    print({ step: 'files', dir: command.outDir, events: files.events, customers: files.customers, eventsPerSecond: rate(files.events, started) });
  }
  if (command.http !== undefined) {
    const started = performance.now();
    try {
      const report = await postEvents(simulation.events(), command.http);
      const { rejections, ...counts } = report;
      print({ step: 'http', ...counts, eventsPerSecond: rate(report.events, started), firstRejections: rejections.slice(0, 5) });
      if (report.rejected > 0) return 1;
    } catch (error) {
      if (!(error instanceof HttpDeliveryError)) throw error;
      const { rejections: _rejections, ...counts } = error.report;
      process.stderr.write(`${error.message}\n`);
      print({ step: 'http', failed: true, status: error.status, ...counts });
      return 1;
    }
  }
  return 0;
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function rate(count: number, startedMs: number): number {
  return Math.round(count / Math.max(1e-3, (performance.now() - startedMs) / 1000));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`simulate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
