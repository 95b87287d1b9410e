import { canaryPerson } from '@kairos/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHit, findCanaries, scanCaptureDir } from './g8-canary-scan.mjs';

const person = canaryPerson(42);

describe('G8 canary scan', () => {
  it('finds every canary value a factory produces, in any case', () => {
    for (const value of [person.firstName, person.lastName, person.email, person.phone, person.iban, person.address]) {
      expect(findCanaries(`{"msg":"x","v":"${value}"}`)).toHaveLength(1);
      expect(findCanaries(value.toUpperCase())).toHaveLength(1);
      expect(findCanaries(value.toLowerCase())).toHaveLength(1);
    }
  });

  it('finds markers behind JSON escapes, double escapes and URL encoding', () => {
    const escaped = JSON.stringify(person.email).replace(/[a-z]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(findCanaries(escaped)).toEqual(['canary-mail-domain']);
    expect(findCanaries(JSON.stringify({ line: JSON.stringify({ name: escaped }) }))).toEqual(['canary-mail-domain']);
    expect(findCanaries(`/customers?phone=${encodeURIComponent(person.phone)}`)).toEqual(['canary-phone']);
    expect(findCanaries(`q=${encodeURIComponent(encodeURIComponent(person.lastName))}`)).toEqual(['canary-name']);
    expect(findCanaries('%ZZ broken %43anary7q')).toEqual(['canary-name']);
  });

  it('finds the simulator phone range and the fixed canaries older suites use', () => {
    expect(findCanaries('"phone":"+493023125042"')).toEqual(['simulated-phone']);
    expect(findCanaries('CanaryVorname-7f3a canary-7f3a@example.org Canary-Pii-7f3e').sort()).toEqual(['suite-canary-7f3']);
    expect(findCanaries('+4915557003731')).toEqual(['suite-canary-phone']);
  });

  it('does not report the canary model stage, timestamps, numbers or ordinary mail', () => {
    const clean = [
      'kairos_model_stage{model="churn",version="3",stage="canary"} 1',
      '{"canaryBasisPoints":500,"stage":"canary","sharePercent":5}',
      '2026-11-24T01:28:01.123Z 1795000000000 0.9997000000042 9997000000042 +99970',
      'anna.mueller.17@example.org +4930231 +49155500071 canary-7f3 canary7 pii-canary.example',
      '{"type":"about:blank","title":"Bad Request","issues":[{"path":"data.contact.email","rule":"must be an e-mail address"}]}',
    ];
    for (const text of clean) expect(findCanaries(text)).toEqual([]);
  });

  it('scans capture files: counts items and produced values, reports hits without the captured text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'g8-scan-'));
    try {
      const lines = [
        { kind: 'log', where: 'pino', context: 'a.spec.ts', text: '{"level":30,"msg":"ok"}' },
        { kind: 'http-error', where: 'POST /events 400', context: 'b.e2e-spec.ts', text: `{"detail":"bad ${person.email}"}` },
        { kind: 'produced', where: 'a.spec.ts', text: '12' },
      ];
      writeFileSync(join(dir, 'capture-1.ndjson'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"kind":"log","text":"torn ${person.firstName}`);
      writeFileSync(join(dir, 'ignored.txt'), person.email);
      const scan = await scanCaptureDir(dir);
      expect(scan).toMatchObject({ files: 1, items: 3, produced: 12, byKind: { log: 1, 'http-error': 1, torn: 1 } });
      expect(scan.hits.map((hit) => [hit.kind, hit.line, hit.marker])).toEqual([
        ['http-error', 2, 'canary-mail-domain'],
        ['torn', 4, 'canary-name'],
      ]);
      const report = scan.hits.map(describeHit).join('\n');
      expect(report).toContain('b.e2e-spec.ts');
      expect(report).not.toContain(person.email);
      expect(report).not.toContain(person.firstName);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an empty result for a missing directory', async () => {
    await expect(scanCaptureDir(join(tmpdir(), 'g8-does-not-exist-7q'))).resolves.toMatchObject({ files: 0, items: 0, hits: [] });
  });
});
