import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MASTER_KEY_FILE, loadOrCreateMasterKey, parseMasterKey } from './master-key';

describe('the master key (key-encryption key)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kairos-kek-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once in the data directory with mode 0600, then read back', () => {
    const created = loadOrCreateMasterKey(join(dir, 'data'));
    expect(created).toHaveLength(32);
    const file = join(dir, 'data', MASTER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateMasterKey(join(dir, 'data'))).toEqual(created);
    expect(readFileSync(file, 'utf8').trim()).toBe(created.toString('base64'));
  });

  it('is refused when others may read its file', () => {
    loadOrCreateMasterKey(dir);
    chmodSync(join(dir, MASTER_KEY_FILE), 0o644);
    expect(() => loadOrCreateMasterKey(dir)).toThrow(/chmod 600/);
  });

  it('must be 32 bytes of base64, and an error never shows the value', () => {
    expect(parseMasterKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
    for (const bad of [Buffer.alloc(16, 1).toString('base64'), 'not-base64-secret-value!', '']) {
      let message = '';
      try {
        parseMasterKey(bad);
      } catch (error) {
        message = JSON.stringify(error) + String(error);
      }
      expect(message).toContain('base64');
      if (bad) expect(message).not.toContain(bad);
    }
  });

  it('from a damaged file is refused rather than replaced', () => {
    writeFileSync(join(dir, MASTER_KEY_FILE), 'short', { mode: 0o600 });
    expect(() => loadOrCreateMasterKey(dir)).toThrow(/32 random bytes/);
    expect(readFileSync(join(dir, MASTER_KEY_FILE), 'utf8')).toBe('short');
  });
});
