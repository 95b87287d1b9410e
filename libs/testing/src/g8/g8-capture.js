'use strict';
/**
 * G8 (reliability.md): "no personal data in logs, prompts or errors". `npm test` loads this file into every Node
 * process of the run (jest itself, its workers and every process a test spawns) through
 * `NODE_OPTIONS=--require …`, and while KAIROS_G8_CAPTURE_DIR is set it records what would leave the platform:
 *   - log: every line the platform's pino loggers write, at every level, also when a test asked for silence;
 *   - http-error: the body of every HTTP response with status >= 400 served in the process;
 *   - metrics: every /metrics body (labels are where an identifier turned into personal data would show);
 *   - prompt: every request body an OpenAI-compatible endpoint (the content tests' fake model) receives.
 * Records go to `<dir>/capture-<pid>.ndjson`; tools/scripts/run-tests.mjs scans them for canary PII after the last
 * tier. Hooks are installed on the shared core modules only, so no production code path changes, and nothing
 * happens when the variable is unset. 2xx bodies are not recorded: returning personal data to an authorised
 * principal (a data export) is the point of those endpoints.
 */
const fs = require('node:fs');
const http = require('node:http');
const Module = require('node:module');
const path = require('node:path');

const STATE = Symbol.for('kairos.g8.capture');
const HOOKED = Symbol.for('kairos.g8.hooked');
const BODY = Symbol('kairos.g8.body');
/** A leak sits in the first megabyte of a body or not at all: bodies are JSON errors and metric pages. */
const MAX_BODY_BYTES = 1 << 20;
/** Paths of the OpenAI-compatible API a model provider serves; our own servers serve none of them. */
const PROMPT_PATH = /\/(chat\/completions|completions|responses|embeddings)(\?|$)/;

function pathOf(url) {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function textOf(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');
  // ArrayBuffer.isView, not instanceof: chunks may come from a jest realm with its own Uint8Array.
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

function createState() {
  const state = { fd: undefined, context: undefined, records: 0, record, wrapPino };
  const wrapped = new WeakMap();

  function record(kind, where, text) {
    const dir = process.env.KAIROS_G8_CAPTURE_DIR;
    if (!dir || !text) return;
    try {
      if (state.fd === undefined) {
        fs.mkdirSync(dir, { recursive: true });
        state.fd = fs.openSync(path.join(dir, `capture-${process.pid}.ndjson`), 'a');
      }
      const context = state.context ?? process.env.KAIROS_G8_CONTEXT;
      fs.writeSync(state.fd, `${JSON.stringify({ kind, where, context, text })}\n`);
      state.records++;
    } catch {
      // Capturing must never fail a test; a missing capture file shows up as "0 captured items" in the G8 line.
    }
  }

  /** pino that writes every line to the capture file as well, and to the caller's destination at the caller's level. */
  function wrapPino(real) {
    if (real[HOOKED]) return real;
    if (wrapped.has(real)) return wrapped.get(real);
    function capturingPino(...args) {
      let [options, stream] = args;
      if (options && typeof options.write === 'function') [options, stream] = [{}, options];
      options = options ?? {};
      if (options.transport || options.browser || options.useOnlyCustomLevels || !process.env.KAIROS_G8_CAPTURE_DIR) return real(...args);
      const level = options.level ?? 'info';
      const streams = [{ level: 'trace', stream: { write: (line) => record('log', 'pino', line) } }];
      if (level !== 'silent') streams.push({ level, stream: stream ?? real.destination(1) });
      return real({ ...options, level: 'trace' }, real.multistream(streams));
    }
    Object.assign(capturingPino, real, { default: capturingPino, pino: capturingPino, [HOOKED]: true });
    wrapped.set(real, capturingPino);
    return capturingPino;
  }

  return state;
}

/** One state per process, kept on a core module object: jest evaluates files once per test file, core modules once. */
function g8State() {
  if (!fs[STATE]) Object.defineProperty(fs, STATE, { value: createState() });
  return fs[STATE];
}

function collect(response, chunk, encoding) {
  const isMetrics = pathOf(response.req?.url ?? '') === '/metrics';
  if (!isMetrics && !(response.statusCode >= 400)) return;
  const bytes = chunk === undefined || chunk === null || typeof chunk === 'function' ? undefined : textOf(chunk, encoding);
  const body = (response[BODY] ??= { kind: isMetrics ? 'metrics' : 'http-error', parts: [], size: 0 });
  if (bytes && body.size < MAX_BODY_BYTES) {
    body.parts.push(bytes);
    body.size += bytes.length;
  }
}

function installHttpHooks(state) {
  const proto = http.ServerResponse.prototype;
  if (proto[HOOKED]) return;
  Object.defineProperty(proto, HOOKED, { value: true });
  const { write, end } = proto;
  proto.write = function write_(chunk, encoding) {
    collect(this, chunk, encoding);
    return write.apply(this, arguments);
  };
  proto.end = function end_(chunk, encoding) {
    collect(this, chunk, encoding);
    const body = this[BODY];
    if (body) {
      this[BODY] = undefined;
      state.record(body.kind, `${this.req?.method ?? '?'} ${pathOf(this.req?.url ?? '')} ${this.statusCode}`, Buffer.concat(body.parts).toString('utf8'));
    }
    return end.apply(this, arguments);
  };

  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emit_(event, request) {
    if (event === 'request' && PROMPT_PATH.test(pathOf(request.url ?? ''))) {
      const parts = [];
      request.on('data', (part) => parts.push(textOf(part) ?? Buffer.alloc(0)));
      request.once('end', () => state.record('prompt', `${request.method} ${pathOf(request.url ?? '')}`, Buffer.concat(parts).toString('utf8')));
    }
    return emit.apply(this, arguments);
  };
}

/** Outside jest (spawned platforms), `require('pino')` goes through Module._load: hand out the capturing pino. */
function installPinoHook(state) {
  if (Module[HOOKED]) return;
  Object.defineProperty(Module, HOOKED, { value: true });
  const load = Module._load;
  Module._load = function load_(request) {
    const loaded = load.apply(this, arguments);
    return request === 'pino' ? state.wrapPino(loaded) : loaded;
  };
}

const state = g8State();
if (process.env.KAIROS_G8_CAPTURE_DIR) {
  installHttpHooks(state);
  installPinoHook(state);
}

module.exports = { g8State, PROMPT_PATH };
