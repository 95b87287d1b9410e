import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KairosRuntime } from '@kairos/runtime';
import { demoPopulation } from '@kairos/simulator';

const DEMO_DAYS = 30;

/**
 * Loads the seeded demo population on the first start of a development data directory, through the same
 * ingestion path as any event. It ends yesterday, so its windows (10 minutes, 30 days) are alive right now.
 */
export async function loadDemoPopulationOnce(runtime: KairosRuntime): Promise<number> {
  const marker = join(runtime.config.dataDir, 'demo-population.loaded');
  if (existsSync(marker)) return 0;
  const start = new Date(Date.now() - (DEMO_DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
  const { events } = demoPopulation({ startDate: start });
  let accepted = 0;
  for (let i = 0; i < events.length; i += 1_000) {
    const result = await runtime.ingestion.ingest(events.slice(i, i + 1_000));
    accepted += result.accepted;
  }
  writeFileSync(marker, `${new Date().toISOString()} ${accepted} events\n`);
  return accepted;
}
