import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCaptureDir } from '../../../../tools/scripts/g8-canary-scan.mjs';
import { canaryPerson } from './canary-pii';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const person = canaryPerson(7);

/**
 * A process that leaks a canary through each channel G8 watches, plus one 2xx body that may carry it (a data
 * export). Run with the capture preloaded exactly as `npm test` loads it into spawned platforms.
 */
const LEAKY_PROCESS = `
const http = require('node:http');
const pino = require('pino');
const [name, email, phone] = JSON.parse(process.argv[1]);
pino({ level: 'silent' }).warn({ customer: name }, 'silenced but captured');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (part) => (body += part));
  req.on('end', () => {
    if (req.url === '/metrics') return res.end('kairos_x{customer="' + email + '"} 1\\n');
    if (req.url === '/export') return res.writeHead(200).end(JSON.stringify({ email }));
    if (req.url === '/v1/chat/completions') return res.writeHead(200).end('{}');
    res.writeHead(404, { 'content-type': 'application/json' });
    res.write('{"detail":"no customer ');
    res.end(Buffer.from(phone + '"}'));
  });
});
server.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  await fetch(base + '/metrics');
  await fetch(base + '/export');
  await fetch(base + '/customers/x');
  await fetch(base + '/v1/chat/completions', { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'Write to ' + name }] }) });
  server.close();
  process.stdout.write(JSON.stringify({ pinoWrapped: pino[Symbol.for('kairos.g8.hooked')] === true, responseEnd: http.ServerResponse.prototype.end.name }));
});
`;

function runLeakyProcess(env: NodeJS.ProcessEnv): { pinoWrapped: boolean; responseEnd: string } {
  const args = ['--require', join(__dirname, 'g8-capture.js'), '-e', LEAKY_PROCESS, JSON.stringify([person.firstName, person.email, person.phone])];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: REPO_ROOT, env, stdio: 'pipe' }).toString('utf8'));
}

describe('G8 capture (process preload)', () => {
  it('captures logs of any level, error bodies, metrics and prompts, but not 2xx bodies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'g8-capture-'));
    try {
      expect(runLeakyProcess({ ...process.env, KAIROS_G8_CAPTURE_DIR: dir, KAIROS_G8_CONTEXT: 'leaky.spec.ts' })).toEqual({ pinoWrapped: true, responseEnd: 'end_' });
      const scan = await scanCaptureDir(dir);
      const hits = scan.hits.map((hit) => `${hit.kind} ${hit.where} ${hit.marker} ${hit.context}`).sort();
      expect(hits).toEqual([
        'http-error GET /customers/x 404 canary-phone leaky.spec.ts',
        'log pino canary-name leaky.spec.ts',
        'metrics GET /metrics 200 canary-mail-domain leaky.spec.ts',
        'prompt POST /v1/chat/completions canary-name leaky.spec.ts',
      ]);
      expect(scan.items).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('installs no hook when no capture directory is set', () => {
    const env = { ...process.env };
    delete env.KAIROS_G8_CAPTURE_DIR;
    expect(runLeakyProcess(env)).toEqual({ pinoWrapped: false, responseEnd: 'end' });
  });
});
