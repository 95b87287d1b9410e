/**
 * One life of a dispatcher process for the outbox crash test (D6): opens the SQLite file, emits this run's
 * decisions, delivers everything pending to the webhook and exits — unless KAIROS_FAULT_OUTBOX kills it first.
 * Run with `node -r @swc-node/register`; the parent reads "committed" on stdout once the emit returned.
 */
import type { DecisionOutcome } from '@kairos/decisioning';
import { ActionOutboxRepository, openDatabase } from '@kairos/persistence';
import { createOutbox } from '../create-outbox';
import { NO_OUTBOX_FAULTS, parseOutboxFaults } from '../outbox-faults';

export const CRASH_TEST_SECRET = 'd6-webhook-secret-0123';
export const DECISIONS_PER_RUN = 3;
export const ACTIONS_PER_DECISION = 2;

/** The decisions run `run` of chain `chain` emits: ids the parent can recompute. */
export function crashTestOutcomes(chain: number, run: number): DecisionOutcome[] {
  return Array.from({ length: DECISIONS_PER_RUN }, (_unused, d) => ({
    decisionId: `trg-c${chain}-r${run}-d${d}`,
    customerId: `cust-${(run * DECISIONS_PER_RUN + d) % 7}`,
    decidedAtMs: 1_700_000_000_000 + run,
    actions: Array.from({ length: ACTIONS_PER_DECISION }, (_none, a) => ({
      rank: a + 1,
      actionId: `action-${a}`,
      actionVersion: 1,
      channel: 'email',
      priority: 10 - a,
      content: { ref: 'card-offer', version: 'rev-1', campaignId: null, variantId: null },
    })),
  })) as unknown as DecisionOutcome[];
}

async function main(): Promise<void> {
  const env = process.env;
  const chain = Number(env['D6_CHAIN']);
  const run = Number(env['D6_RUN']);
  const database = await openDatabase({ dialect: 'sqlite', dataDir: env['D6_DATA_DIR']! });
  const spec = env['KAIROS_FAULT_OUTBOX'];
  const outbox = createOutbox({
    repository: new ActionOutboxRepository(database),
    channels: ['email'],
    webhooks: { urls: { email: env['D6_WEBHOOK_URL']! }, sender: { secret: CRASH_TEST_SECRET, allowedHosts: ['127.0.0.1'], allowedAddresses: ['127.0.0.1'] } },
    faults: spec ? parseOutboxFaults(spec) : NO_OUTBOX_FAULTS,
    // One name per chain, as the embedded process of a data directory has: the next life takes back the rows a
    // killed one had claimed at once, rather than after the lease.
    dispatcher: { batchSize: 4, backoffMs: () => 0, claimant: `d6-chain-${chain}` },
  });
  // Started, so that the emit's rows go out on the direct lane (claimed as they are written) once this life took back
  // what a killed one left claimed under its lanes' names.
  outbox.dispatcher.start();
  await outbox.dispatcher.whenRecovered();
  if (run >= 0) {
    await outbox.sink.emit(crashTestOutcomes(chain, run));
    process.stdout.write('committed\n');
  }
  // Stopping waits for the direct lane; the drain then delivers whatever is still pending.
  await outbox.dispatcher.stop();
  await outbox.dispatcher.drain();
  await database.destroy();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
