// evaluate() latency of the RuleSource with 100 deployed rule sets (20-row, 3-input UNIQUE tables), round-robin.
// Run: node -r @swc-node/register tools/bench/rules-deployed.bench.ts
import { compileRuleSet, DeployedRuleSets } from '@kairos/rules-service';

const SETS = 100;
const CALLS = 200_000;

function table(index: number): string {
  const rows = Array.from({ length: 20 }, (_, r) => {
    const lo = r * 5;
    return `<rule id="r${r}"><inputEntry id="r${r}a"><text>[${lo}..${lo + 5})</text></inputEntry><inputEntry id="r${r}b"><text>${r % 2 === 0 ? 'true' : 'false'}</text></inputEntry><inputEntry id="r${r}c"><text></text></inputEntry><outputEntry id="r${r}o"><text>"offer-${index}-${r}"</text></outputEntry></rule>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d${index}" name="d" namespace="bench">
  <decision id="offer" name="Offer"><decisionTable id="t${index}" hitPolicy="FIRST">
    <input id="i1"><inputExpression id="e1" typeRef="number"><text>age</text></inputExpression></input>
    <input id="i2"><inputExpression id="e2" typeRef="boolean"><text>holds_checking_account</text></inputExpression></input>
    <input id="i3"><inputExpression id="e3" typeRef="number"><text>card_spend_sum_30d</text></inputExpression></input>
    <output id="o1" name="offer" typeRef="string"/>${rows}
  </decisionTable></decision>
</definitions>`;
}

async function main(): Promise<void> {
  const source = new DeployedRuleSets();
  for (let i = 0; i < SETS; i++) source.install(await compileRuleSet(`rs-${i}`, 1, table(i)), i);
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
