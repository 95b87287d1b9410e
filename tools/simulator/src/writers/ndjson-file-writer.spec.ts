import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankSimulation, simulateBank } from '../simulation/bank-simulation';
import { writeSimulationFiles } from './ndjson-file-writer';

describe('writeSimulationFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kairos-sim-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const options = { seed: 12, customers: 80, days: 21 };
  const digest = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

  it('writes sorted events, labels, customers and a manifest, byte-identical on every run', async () => {
    const first = await writeSimulationFiles(new BankSimulation(options), join(dir, 'a'));
    const second = await writeSimulationFiles(new BankSimulation(options), join(dir, 'b'));
    for (const file of ['eventsFile', 'labelsFile', 'customersFile', 'manifestFile'] as const) {
      await expect(digest(second[file])).resolves.toBe(await digest(first[file]));
    }

    const expected = simulateBank(options);
    const lines = (await readFile(first.eventsFile, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected.events);
    const labels = (await readFile(first.labelsFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(labels).toEqual(expected.labels);
    const customers = (await readFile(first.customersFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(customers).toEqual(expected.customers);

    const manifest = JSON.parse(await readFile(first.manifestFile, 'utf8'));
    expect(manifest).toMatchObject({ options: { seed: 12, customers: 80, days: 21, startDate: '2025-01-06' }, counts: { customers: 80, events: expected.events.length } });
    const byType = Object.values(manifest.counts.eventsByType as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byType).toBe(expected.events.length);
    expect(first.events).toBe(expected.events.length);
  });

  it('reports a directory it cannot create', async () => {
    const blocked = join(dir, 'file');
    await writeSimulationFiles(new BankSimulation({ seed: 1, customers: 1, days: 1 }), blocked);
    await expect(writeSimulationFiles(new BankSimulation({ seed: 1, customers: 1, days: 1 }), join(blocked, 'events.ndjson', 'x'))).rejects.toThrow();
  });
});
