import secureJsonParse from 'secure-json-parse';
import { KairosError } from '@kairos/contracts';

type Done = (error: Error | null, body?: unknown) => void;

/**
 * The JSON body parser of every process. Like Fastify's default it refuses prototype-poisoning keys outright, but it
 * says so — naming the key and the rule — instead of answering a bare "not valid JSON".
 */
export function parseJsonBody(_request: unknown, body: string | Buffer, done: Done): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.length === 0) {
    done(new KairosError('VALIDATION_FAILED', 'the JSON body is empty', [{ path: '(root)', rule: 'required', message: 'send a JSON body' }]));
    return;
  }
  try {
    done(null, secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
  } catch (error) {
    if (error instanceof SyntaxError && /forbidden prototype property/.test(error.message)) {
      done(
        new KairosError('VALIDATION_FAILED', 'the body contains a forbidden key', [
          { path: '__proto__', rule: 'forbidden_prototype_key', message: '__proto__ and constructor.prototype keys are refused' },
        ]),
      );
      return;
    }
    done(new KairosError('VALIDATION_FAILED', 'the body is not valid JSON', [{ path: '(root)', rule: 'invalid_json', message: 'not valid JSON' }]));
  }
}
