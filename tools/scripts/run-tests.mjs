#!/usr/bin/env node
// `npm test`: every test tier against real infrastructure. Starts a Kafka broker (KRaft, jars from Maven Central,
// cached outside the repo) unless KAFKA_BROKERS names one, checks PostgreSQL, then runs the unit, integration and
// end-to-end tiers one after another and closes with one summary line ("tests: N passed, N failed").
// G8: every process of the run captures logs, HTTP error bodies, /metrics bodies and prompts to the fake model
// (libs/testing/src/g8/g8-capture.js, loaded through NODE_OPTIONS); after the last tier the capture is scanned for
// canary personal data and any hit counts as a failed test.
// --forceExit: a suite that leaks a handle (a child process pipe, a socket) must not hang CI after its results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../kafka/kafka-broker.mjs';
import { describeHit, scanCaptureDir } from './g8-canary-scan.mjs';

const root = new URL('../..', import.meta.url).pathname;
const tiers = (process.env.KAIROS_TEST_TIERS ?? 'unit,integration,e2e').split(',');
const extraArgs = process.argv.slice(2);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postgresAnswers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432) });
    socket.setTimeout(3000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Switches G8 capture on for every Node process the run starts; a directory given by the caller is kept. */
function withCanaryCapture(env) {
  const givenDir = env.KAIROS_G8_CAPTURE_DIR;
  const dir = givenDir ?? mkdtempSync(join(tmpdir(), 'kairos-g8-capture-'));
  const preload = join(root, 'libs/testing/src/g8/g8-capture.js');
  const preloadFlag = /\s/.test(preload) ? `--require "${preload}"` : `--require ${preload}`;
  env.KAIROS_G8_CAPTURE_DIR = dir;
  env.NODE_OPTIONS = [env.NODE_OPTIONS, preloadFlag].filter(Boolean).join(' ');
  return { dir, keep: givenDir !== undefined };
}

/** Scans the capture; returns the number of failed checks to add to the summary (1 on any hit). */
async function checkCanaries(capture, fullRun) {
  const scan = await scanCaptureDir(capture.dir);
  for (const hit of scan.hits.slice(0, 50)) console.log(describeHit(hit));
  if (scan.hits.length > 50) console.log(`G8: ${scan.hits.length - 50} more hits`);
  const kinds = Object.entries(scan.byKind).map(([kind, n]) => `${n} ${kind}`).join(', ');
  console.log(`G8: ${scan.items} captured items scanned, ${scan.produced} canary values produced, ${scan.hits.length} hits (${kinds || 'nothing captured'})`);
  if (scan.hits.length > 0) console.log(`G8: capture kept in ${capture.dir}`);
  else if (!capture.keep) rmSync(capture.dir, { recursive: true, force: true });
  // Nothing captured in a full run means the capture is broken, and a check that cannot fail is no check.
  if (fullRun && scan.items === 0) {
    console.error('G8: nothing was captured; is libs/testing/src/g8/g8-capture.js loaded?');
    return 1;
  }
  return scan.hits.length > 0 ? 1 : 0;
}

async function main() {
  const env = { ...process.env, KAIROS_TEST_DATABASE_URL: process.env.KAIROS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' };
  if (!(await postgresAnswers(env.KAIROS_TEST_DATABASE_URL))) {
    console.error(`PostgreSQL does not answer at ${env.KAIROS_TEST_DATABASE_URL}; set KAIROS_TEST_DATABASE_URL.`);
    process.exit(2);
  }
  const capture = withCanaryCapture(env);

  let broker;
  const needsKafka = tiers.some((tier) => tier !== 'unit');
  if (needsKafka && !env.KAFKA_BROKERS) {
    const started = Date.now();
    // Free ports, so a developer's own broker (npm run kafka:start) never collides with the test broker.
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    broker = await startBroker({ partitions: 8, port, controllerPort, quickStart: true });
    env.KAFKA_BROKERS = broker.brokers;
    console.log(`kafka: broker ${broker.brokers} started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const totals = { passed: 0, failed: 0, suitesFailed: 0 };
  const resultsDir = mkdtempSync(join(tmpdir(), 'kairos-test-results-'));
  try {
    for (const tier of tiers) {
      const outputFile = join(resultsDir, `${tier}.json`);
      const run = spawnSync('npx', ['jest', '-c', `jest.${tier}.config.js`, '--ci', '--forceExit', '--json', `--outputFile=${outputFile}`, ...extraArgs], {
        cwd: root,
        env,
        stdio: 'inherit',
      });
      let report;
      try {
        report = JSON.parse(readFileSync(outputFile, 'utf8'));
      } catch {
        console.error(`jest ${tier}: no result file (exit ${run.status})`);
        totals.failed++;
        continue;
      }
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.suitesFailed += report.numFailedTestSuites;
      if (run.status !== 0 && report.numFailedTests === 0) totals.failed++; // a suite that failed to load
      console.log(`${tier}: ${report.numPassedTests} passed, ${report.numFailedTests} failed (${report.numTotalTestSuites} suites)`);
    }
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
    if (broker) await broker.stop();
  }
  totals.failed += await checkCanaries(capture, extraArgs.length === 0);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
