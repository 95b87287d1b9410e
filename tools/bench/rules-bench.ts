// Micro-benchmark of the rules engine: a 20-row decision table with 3 inputs (number, string, boolean),
// evaluated with varying inputs. Prints evaluations per second; run with
//   node -r @swc-node/register tools/bench/rules-bench.ts
// For comparison it also times feelin (the FEEL interpreter the design named), which parses each unary test
// on every call: that is the cost our compile-once closures avoid.
import { unaryTest } from 'feelin';
import { compileDmn } from '@kairos/rules';

const SEGMENTS = ['retail', 'premium', 'private', 'business'] as const;
const ROWS = 20;

/** Row i covers an age band of one segment; the last rows catch the rest, so every input hits a rule. */
function tableRows(): { age: string; segment: string; digital: string; offer: string }[] {
  const rows = [];
  for (let i = 0; i < ROWS - 2; i++) {
    const from = 18 + (i % 9) * 6;
    rows.push({
      age: `[${from}..${from + 6})`,
      segment: `"${SEGMENTS[Math.floor(i / 9) % SEGMENTS.length]}"`,
      digital: i % 2 === 0 ? 'true' : '-',
      offer: `"offer-${i + 1}"`,
    });
  }
  rows.push({ age: '>= 18', segment: '-', digital: '-', offer: '"generic"' });
  rows.push({ age: '< 18', segment: '-', digital: '-', offer: '"none"' });
  return rows;
}

function benchXml(): string {
  const rules = tableRows()
    .map(
      (r, i) => `
      <rule id="r${i + 1}">
        <inputEntry id="r${i + 1}a"><text>${escape(r.age)}</text></inputEntry>
        <inputEntry id="r${i + 1}b"><text>${escape(r.segment)}</text></inputEntry>
        <inputEntry id="r${i + 1}c"><text>${r.digital}</text></inputEntry>
        <outputEntry id="r${i + 1}o"><text>${escape(r.offer)}</text></outputEntry>
      </rule>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench" name="bench" namespace="https://kairos.dev/bench">
  <decision id="offer" name="Offer">
    <variable name="Offer" typeRef="string"/>
    <decisionTable id="offerTable" hitPolicy="FIRST">
      <input id="i1" label="Age"><inputExpression typeRef="number"><text>age</text></inputExpression></input>
      <input id="i2" label="Segment"><inputExpression typeRef="string"><text>segment</text></inputExpression></input>
      <input id="i3" label="Digital"><inputExpression typeRef="boolean"><text>digitalUser</text></inputExpression></input>
      <output id="o1" name="Offer" typeRef="string"/>${rules}
    </decisionTable>
  </decision>
  <inputData id="age" name="age"><variable name="age" typeRef="number"/></inputData>
  <inputData id="segment" name="segment"><variable name="segment" typeRef="string"/></inputData>
  <inputData id="digitalUser" name="digitalUser"><variable name="digitalUser" typeRef="boolean"/></inputData>
</definitions>`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function inputs(count: number): Record<string, unknown>[] {
  const out = [];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < count; i++) {
    out.push({ age: Math.floor(10 + next() * 70), segment: SEGMENTS[Math.floor(next() * SEGMENTS.length)], digitalUser: next() < 0.5 });
  }
  return out;
}

/**
 * Runs `run` for `seconds` of wall time. Reports wall-clock ops/s and ops per CPU-second of this process: on
 * a shared machine the second is the steadier figure of what one core sustains.
 */
function measure(label: string, seconds: number, run: (i: number) => unknown): void {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (run(i) !== null) sink++; // warm-up for the JIT
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 1000; i++) if (run(ops + i) !== null) sink++;
    ops += 1000;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `${label}: ${fmt(ops / elapsed)} ops/s wall, ${fmt(ops / cpuSeconds)} ops/s per CPU-second ` +
      `(${fmt(ops)} evaluations in ${elapsed.toFixed(2)} s, ${sink === ops + 20_000 ? 'all matched' : 'some unmatched'})`,
  );
}

async function main(): Promise<void> {
  const model = await compileDmn(benchXml());
  const errors = model.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`bench table has errors: ${errors.map((f) => f.message).join('; ')}`);
  const data = inputs(4096);
  const mask = data.length - 1;
  const seconds = Number(process.env.BENCH_SECONDS ?? 2);

  console.log(`rules-bench: ${ROWS}-row FIRST table, 3 inputs, node ${process.version}`);
  measure('model.evaluate(decision)', seconds, (i) => model.evaluate('Offer', data[i & mask]).value);
  measure('model.evaluateTable(table)', seconds, (i) => model.evaluateTable('offerTable', data[i & mask]).value);

  // The same table interpreted with feelin: each row's unary tests parsed and evaluated per call.
  const rows = tableRows();
  const tests = rows.map((r) => [r.age, r.segment, r.digital]);
  measure('feelin unaryTest (parse per call)', Math.min(seconds, 1), (i) => {
    const input = data[i & mask];
    const values = [input.age, input.segment, input.digitalUser];
    for (let r = 0; r < tests.length; r++) {
      if (tests[r].every((t, c) => t === '-' || unaryTest(t, { '?': values[c] }).value === true)) return rows[r].offer;
    }
    return null;
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
