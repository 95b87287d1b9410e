#!/usr/bin/env node
// `npm run bench`: runs every benchmark script under tools/bench (and the simulator's) one after another and
// prints their output; numbers go to docs/benchmarks.md with the machine and date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const dirs = ['tools/bench', 'tools/simulator/src/bench'].filter((dir) => existsSync(join(root, dir)));
const scripts = dirs.flatMap((dir) => readdirSync(join(root, dir)).filter((f) => /[-.]bench\.ts$/.test(f)).map((f) => join(dir, f)));
/**
 * Flags of one benchmark's own process. The Kafka event→action benchmark is the load generator (and the ingestion
 * stand-in) beside a platform process: with the default young generation its appends in flight were promoted and
 * major collections stopped it for up to ~90 ms, which showed up as platform latency.
 */
const extraFlags = { 'kafka-event-to-action.bench.ts': ['--max-semi-space-size=64'] };
let failed = 0;
for (const script of scripts) {
  console.log(`\n== ${script}`);
  const flags = extraFlags[script.split('/').pop()] ?? [];
  const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', ...flags, '-r', '@swc-node/register', script, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
