// Content benchmarks: drafting latency with the offline template drafter (pure, and end to end through the
// content service into SQLite) and guardrail checks per second. Run with
//   node -r @swc-node/register tools/bench/content.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AbilityFactory, loadPolicyFile } from '@kairos/access';
import { PRODUCT_KINDS } from '@kairos/contracts';
import { CONTENT_CHANNELS, checkContent, contentBriefSchema, draftFromTemplates, type DraftContent } from '@kairos/content';
import { createContentServices, createContentDrafters, loadContentPolicyFile } from '@kairos/content-service';
import { ContentDraftRepository, openDatabase } from '@kairos/persistence';

const policy = loadContentPolicyFile();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function briefFor(i: number) {
  return contentBriefSchema.parse({
    title: `Bench ${i}`,
    goal: 'An die erste Nutzung erinnern',
    product: PRODUCT_KINDS[i % PRODUCT_KINDS.length],
    audience: 'Neukunden ohne Umsatz',
    channels: [...CONTENT_CHANNELS],
    tone: 'friendly',
    language: i % 2 === 0 ? 'de' : 'en',
    variantCount: 3,
    mandatoryElements: ['Jahresgebühr 0 €'],
  });
}

function benchGuardrails(): void {
  const drafts: DraftContent[] = Array.from({ length: 64 }, (_, i) => draftFromTemplates(briefFor(i), policy));
  const fields = drafts[0].variants.reduce((n, v) => n + Object.keys(v).length - 2, 0);
  for (let i = 0; i < 200; i++) checkContent(drafts[i % drafts.length], { language: drafts[i % drafts.length].language, aiGenerated: true }, policy);
  const runs = 3_000;
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const content = drafts[i % drafts.length];
    checkContent(content, { language: content.language, product: PRODUCT_KINDS[i % PRODUCT_KINDS.length], aiGenerated: true, mandatoryElements: ['Jahresgebühr 0 €'] }, policy);
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`guardrails: ${(runs / seconds).toFixed(0)} draft checks/s (15 variants, ${fields} fields each) = ${((runs * fields) / seconds).toFixed(0)} field checks/s`);
}

function benchTemplateDrafting(): void {
  const samples: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const brief = briefFor(i);
    const start = performance.now();
    const content = draftFromTemplates(brief, policy);
    checkContent(content, { language: brief.language, product: brief.product, aiGenerated: false, mandatoryElements: brief.mandatoryElements }, policy);
    samples.push(performance.now() - start);
  }
  const sorted = samples.slice(500).sort((a, b) => a - b);
  console.log(`template drafting + guardrails (in memory, 15 variants): p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`);
}

async function benchServiceDrafting(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-content-bench-'));
  const database = await openDatabase({ dialect: 'sqlite', dataDir });
  try {
    const services = createContentServices({
      repository: new ContentDraftRepository(database),
      policy,
      drafters: createContentDrafters({ llmModel: 'none', llmTimeoutMs: 1_000 }),
      audit: { append: async () => ({ id: 'x', chain: 0, sequence: 0, hash: 'x' }) },
    });
    const principal = { id: 'bench-author', role: 'content-author' as const, kind: 'api-key' as const };
    const caller = { principal, ability: new AbilityFactory(loadPolicyFile()).abilityFor(principal) };
    const samples: number[] = [];
    for (let i = 0; i < 600; i++) {
      const start = performance.now();
      await services.drafting.create(caller, { brief: { ...briefFor(i), channels: ['email', 'sms', 'push'] }, drafter: 'template' });
      samples.push(performance.now() - start);
    }
    const sorted = samples.slice(100).sort((a, b) => a - b);
    console.log(`template drafting end to end (validate, draft, guardrails, store in SQLite with synchronous=FULL): p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`);
  } finally {
    await database.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`content bench on ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, node ${process.version}`);
  benchGuardrails();
  benchTemplateDrafting();
  await benchServiceDrafting();
}

void main();
