import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { compileDmn } from '../model/decision-model-compiler';
import type { CompiledDecisionModel } from '../model/decision-model';
import { TckTestCase, readTckTestFile, toInputValue } from './tck-test-cases';
import { mismatch } from './tck-value-match';

/** One result node of one test case: the unit the TCK counts. */
export interface TckResult {
  /** Folder of the model, relative to the TCK root (`compliance-level-2/0004-simpletable-U` → its last part). */
  readonly folder: string;
  readonly caseId: string;
  readonly resultNode: string;
  readonly passed: boolean;
  /** Why it failed. */
  readonly detail: string | null;
}

export interface TckReport {
  readonly results: readonly TckResult[];
  readonly passed: number;
  readonly failed: number;
}

const TEST_FILE = /-test-\d+\.xml$/;

/** `DMN_TCK_DIR`, or `../shared/dmn-tck`; a relative path is taken from the repository root. */
export function resolveTckDirectory(repoRoot: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(repoRoot, env.DMN_TCK_DIR ?? '../shared/dmn-tck');
}

/**
 * Runs every TCK test file under `root`: each folder holding a `.dmn` model and `*-test-NN.xml` files. The
 * same code serves `npm run tck` and the conformance spec, so CI and the command line agree.
 */
export async function runTck(root: string): Promise<TckReport> {
  const results: TckResult[] = [];
  for (const folder of await modelFolders(root)) results.push(...(await runFolder(folder)));
  const passed = results.filter((r) => r.passed).length;
  return { results, passed, failed: results.length - passed };
}

export function formatTckResult(result: TckResult): string {
  const line = `${result.passed ? 'PASS' : 'FAIL'} ${result.folder} ${result.caseId} ${result.resultNode}`;
  return result.detail ? `${line}  # ${result.detail}` : line;
}

export function formatTckTotal(report: TckReport): string {
  return `tck: ${report.passed} passed, ${report.failed} failed`;
}

async function modelFolders(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    if (entries.some((e) => e.isFile() && TEST_FILE.test(e.name))) found.push(dir);
    for (const entry of entries) if (entry.isDirectory()) await walk(join(dir, entry.name));
  };
  if (!(await stat(root)).isDirectory()) throw new Error(`${root} is not a directory`);
  await walk(root);
  return found;
}

async function runFolder(dir: string): Promise<TckResult[]> {
  const names = (await readdir(dir)).sort();
  const folder = basename(dir) || relative(process.cwd(), dir);
  const models = new Map<string, Promise<CompiledDecisionModel>>();
  const modelFor = (file: string) => {
    let model = models.get(file);
    if (!model) {
      model = readFile(join(dir, file), 'utf8').then(compileDmn);
      models.set(file, model);
    }
    return model;
  };
  const results: TckResult[] = [];
  for (const testFile of names.filter((n) => TEST_FILE.test(n))) {
    const tests = readTckTestFile(await readFile(join(dir, testFile), 'utf8'));
    const modelFile = tests.modelName && names.includes(tests.modelName) ? tests.modelName : names.find((n) => n.endsWith('.dmn'));
    let model: CompiledDecisionModel | null = null;
    let loadError: string | null = modelFile ? null : 'no .dmn model in the folder';
    if (modelFile) {
      try {
        model = await modelFor(modelFile);
      } catch (error) {
        loadError = `model did not compile: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    for (const testCase of tests.cases) results.push(...runCase(folder, testCase, model, loadError));
  }
  return results;
}

function runCase(folder: string, testCase: TckTestCase, model: CompiledDecisionModel | null, loadError: string | null): TckResult[] {
  const inputs: Record<string, unknown> = {};
  for (const input of testCase.inputs) inputs[input.name] = toInputValue(input.value);
  return testCase.results.map((node) => {
    const base = { folder, caseId: testCase.id, resultNode: node.name };
    if (!model) return { ...base, passed: false, detail: loadError };
    if (testCase.type !== 'decision' || node.type !== 'decision') {
      return { ...base, passed: false, detail: `${testCase.type === 'decision' ? node.type : testCase.type} invocation is not supported` };
    }
    try {
      const result = model.evaluate(node.name, inputs);
      const detail = node.errorResult ? (result.value === null ? null : 'expected an error (null result)') : mismatch(node.expected, result.value);
      return { ...base, passed: detail === null, detail };
    } catch (error) {
      return { ...base, passed: false, detail: error instanceof Error ? error.message : String(error) };
    }
  });
}
