import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditCheckpointFile } from './audit-checkpoint-file';
import { auditKeyId, loadAuditPublicKey, loadAuditSigningKey, publicKeyPem } from './audit-signing-key';

describe('the external checkpoint file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kairos-checkpoint-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const linesOf = async (file: AuditCheckpointFile) => {
    const lines: { lineNumber: number; text: string }[] = [];
    for await (const line of file.lines()) lines.push(line);
    return lines;
  };

  it('appends one line per checkpoint and reads back the last complete one', async () => {
    const file = new AuditCheckpointFile(join(dir, 'nested', 'checkpoints'));
    expect(file.lastLine()).toBeNull();
    await expect(linesOf(file)).resolves.toEqual([]);
    file.append('{"number":1}');
    file.append(`{"number":2,"pad":"${'x'.repeat(70_000)}"}`);
    file.append('{"number":3}');
    expect(file.lastLine()).toBe('{"number":3}');
    expect((await linesOf(file)).map((l) => [l.lineNumber, l.text.slice(0, 12)])).toEqual([
      [1, '{"number":1}'],
      [2, '{"number":2,'],
      [3, '{"number":3}'],
    ]);
    expect(() => file.append('two\nlines')).toThrow('newline');
  });

  it('leaves a torn final fragment out of the evidence and cuts it before the next append', async () => {
    const file = new AuditCheckpointFile(dir);
    file.append('{"number":1}');
    appendFileSync(file.path, '{"number":2,"hea'); // a writer killed mid-line
    expect(file.lastLine()).toBe('{"number":1}');
    await expect(linesOf(file)).resolves.toEqual([{ lineNumber: 1, text: '{"number":1}' }]);
    file.append('{"number":2}');
    expect(readFileSync(file.path, 'utf8')).toBe('{"number":1}\n{"number":2}\n');
  });
});

describe('the checkpoint signing key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kairos-signing-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated readable by the owner only when allowed, and loaded unchanged afterwards', () => {
    const path = join(dir, 'keys', 'audit-signing.pem');
    expect(() => loadAuditSigningKey(path)).toThrow('does not exist');
    const created = loadAuditSigningKey(path, { createIfMissing: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = loadAuditSigningKey(path, { createIfMissing: true });
    expect(again.keyId).toBe(created.keyId);
    expect(created.keyId).toMatch(/^[0-9a-f]{32}$/);
    const pem = publicKeyPem(created.publicKey);
    expect(auditKeyId(loadAuditPublicKey(pem))).toBe(created.keyId);
  });
});
