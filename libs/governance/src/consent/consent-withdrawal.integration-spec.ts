import { CONSENT_CHANNELS } from '@kairos/contracts';
import { consentChange, useConsentHarness } from './consent-test-support';

/**
 * Reliability goal G1: a withdrawal is enforced for the very next decision. 1,000 trials, each over the real
 * socket → ledger (SQLite) → embedded log → PartitionWorker → ConsentGate: withdraw marketing consent, then ask the
 * gate right after the PUT resolves. Between trials the consent is given again (checked too, not counted).
 */
const TRIALS = 1_000;
const CUSTOMERS = 40;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('G1: consent withdrawal propagation', () => {
  const stack = useConsentHarness();

  it(`${TRIALS} withdraw → may() trials on the owning worker: 0 violations`, async () => {
    const { request, gate, worker } = stack();
    const appliedAt = new Map<string, number>();
    worker.onApplied((_partition, records) => {
      const now = performance.now();
      for (const record of records) if (record.event.type === 'consent_changed') appliedAt.set(record.event.id, now);
    });
    const customer = (trial: number) => `g1-cust-${trial % CUSTOMERS}`;
    const put = (trial: number, status: 'given' | 'withdrawn') => request('PUT', `/v1/customers/${customer(trial)}/consents`, consentChange({ channel: undefined, status }));
    for (let c = 0; c < CUSTOMERS; c++) expect((await put(c, 'given')).status).toBe(200);

    let violations = 0;
    let notInForce = 0;
    let regrantViolations = 0;
    const toResponse: number[] = [];
    const toApplied: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const channel = CONSENT_CHANNELS[trial % CONSENT_CHANNELS.length];
      const started = performance.now();
      const withdrawn = await put(trial, 'withdrawn');
      const answered = performance.now();
      const decision = await gate.may(customer(trial), 'marketing', channel, Date.now());
      if (decision.allowed) violations++;
      if (withdrawn.status !== 200) notInForce++;
      if (!Array.isArray(withdrawn.body.changes)) throw new Error(`trial ${trial}: ${withdrawn.status} ${JSON.stringify(withdrawn.body)}`);
      const [change] = withdrawn.body.changes as { eventId: string }[];
      toResponse.push(answered - started);
      toApplied.push((appliedAt.get(change.eventId) ?? Infinity) - started);
      if ((await put(trial, 'given')).status !== 200 || !(await gate.may(customer(trial), 'marketing', channel, Date.now())).allowed) regrantViolations++;
    }

    const ms = (value: number) => `${value.toFixed(1)} ms`;
    process.stdout.write(
      `G1: ${TRIALS} tried, ${TRIALS - violations} held, ${violations} violations (${notInForce} answered 202); ` +
        `request → worker applied p50 ${ms(percentile(toApplied, 50))} p99 ${ms(percentile(toApplied, 99))}; ` +
        `request → 200 (enforced) p50 ${ms(percentile(toResponse, 50))} p99 ${ms(percentile(toResponse, 99))} ` +
        `(SQLite ledger + embedded log on ${process.platform}, ${new Date().toISOString().slice(0, 10)})\n`,
    );
    expect(violations).toBe(0);
    expect(notInForce).toBe(0);
    expect(regrantViolations).toBe(0);
    expect(toApplied.every((value) => Number.isFinite(value) && value >= 0)).toBe(true);
  }, 120_000);
});
