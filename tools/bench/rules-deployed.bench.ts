// evaluate() latency of the RuleSource with 100 deployed rule sets (20-row, 3-input UNIQUE tables), round-robin.
// Run: node -r @swc-node/register tools/bench/rules-deployed.bench.ts
import { compileRuleSet, DeployedRuleSets } from '@kairos/rules-service';
import { ruleSetXml } from './ingestion-rule-sets';

const SETS = 100;
const CALLS = 200_000;

async function main(): Promise<void> {
  const source = new DeployedRuleSets();
  for (let i = 0; i < SETS; i++) source.install(await compileRuleSet(`rs-${i}`, 1, ruleSetXml(i)), i);
  const values: Record<string, unknown> = { age: 0, holds_checking_account: true, card_spend_sum_30d: 1200 };
  const read = (name: string) => values[name];
  const samples = new Float64Array(CALLS);
  let hits = 0;
  for (let i = 0; i < CALLS; i++) {
    values.age = i % 100;
    values.holds_checking_account = i % 3 === 0;
    const start = process.hrtime.bigint();
    const outcome = source.evaluate(`rs-${i % SETS}`, 'Offer', read);
    samples[i] = Number(process.hrtime.bigint() - start) / 1_000;
    if (outcome?.value !== null) hits++;
  }
  const sorted = [...samples.slice(CALLS / 10)].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
  process.stdout.write(`${SETS} deployed rule sets, ${CALLS} evaluate() calls (first 10% warm-up dropped), ${hits} with a value\n`);
  process.stdout.write(`evaluate() µs: p50 ${at(0.5)}  p99 ${at(0.99)}  p99.9 ${at(0.999)}  max ${sorted[sorted.length - 1].toFixed(2)}\n`);
}

void main();
