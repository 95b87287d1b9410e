#!/usr/bin/env node
// `npm test`: every test tier against real infrastructure. Starts a Kafka broker (KRaft, jars from Maven Central,
// cached outside the repo) unless KAFKA_BROKERS names one, checks PostgreSQL, then runs the unit, integration and
// end-to-end tiers one after another and closes with one summary line ("tests: N passed, N failed").
// --forceExit: a suite that leaks a handle (a child process pipe, a socket) must not hang CI after its results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../kafka/kafka-broker.mjs';

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

async function main() {
  const env = { ...process.env, KAIROS_TEST_DATABASE_URL: process.env.KAIROS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' };
  if (!(await postgresAnswers(env.KAIROS_TEST_DATABASE_URL))) {
    console.error(`PostgreSQL does not answer at ${env.KAIROS_TEST_DATABASE_URL}; set KAIROS_TEST_DATABASE_URL.`);
    process.exit(2);
  }

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
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
