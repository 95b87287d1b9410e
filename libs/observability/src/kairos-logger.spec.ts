import { Writable } from 'node:stream';
import { createLogger } from './kairos-logger';

describe('createLogger', () => {
  it('masks personal data and credentials even when an object is logged by mistake', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info({ req: { headers: { authorization: 'Bearer demo-admin' } }, event: { email: 'canary@example.org', data: { iban: 'DE00' } } }, 'ingested');
    const line = lines.join('');
    expect(line).toContain('ingested');
    expect(line).not.toContain('demo-admin');
    expect(line).not.toContain('canary@example.org');
    expect(line).not.toContain('DE00');
  });
});
