import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The triggers of the five seed use cases, as data (the document a rule modeler would deploy; read from the JSON
 * beside this file, since JSON module imports differ between the test and runtime compilers). Compile with
 * `compileTriggerSet(SEED_TRIGGER_DOCUMENT, { registry })`.
 */
export const SEED_TRIGGER_DOCUMENT: unknown = JSON.parse(readFileSync(join(__dirname, 'seed-triggers.json'), 'utf8'));
