import { KairosError } from '@kairos/contracts';
import { analyseDecisionTable } from '../analysis/decision-table-analysis';
import { FindingCollector, FindingLocation } from '../analysis/validation-finding';
import type { CompiledDecisionTable, RuleHit } from '../decision-table/decision-table-compiler';
import {
  DmnBusinessKnowledgeModel,
  DmnDecision,
  DmnDefinitions,
  DmnExpression,
  DmnInputData,
  DmnItemDefinition,
  isBusinessKnowledgeModel,
  isDecision,
  isInputData,
  referencedId,
} from '../dmn/dmn-elements';
import { DmnDocument, readDmnXml } from '../dmn/dmn-xml';
import { MULTI_WORD_BUILTINS } from '../feel/feel-builtins';
import { CompileScope, FeelCompiler, LocalScope, NameBinding } from '../feel/feel-compiler';
import { EvaluationWarning, FeelFrame, FramePool, childFrame, warn } from '../feel/feel-frame';
import { DeclaredNames } from '../feel/feel-lexer';
import { parseFeelUnaryTests } from '../feel/feel-parser';
import { ANY_TYPE, FeelType, describeType, functionType, isCompatible } from '../feel/feel-types';
import { FeelFunction } from '../feel/feel-values';
import { ANY_DECLARED_TYPE, DeclaredType, NONCONFORMING, TypeRegistry, conformResult } from '../types/type-registry';
import { CompiledLogic, compileLogic } from './boxed-expression-compiler';
import type { CompiledDecisionModel, DecisionSummary } from './decision-model';
import { ModelCompileContext } from './model-compile-context';

/**
 * Reads DMN XML (1.1–1.5) and compiles it. Throws only when the XML is unreadable; every modeling problem
 * comes back in `findings`, so a deploy step can show all of them at once and refuse errors.
 */
export async function compileDmn(xml: string): Promise<CompiledDecisionModel> {
  return compileDmnDocument(await readDmnXml(xml));
}

const documents = new WeakMap<CompiledDecisionModel, DmnDocument>();

/** The parsed document a model was compiled from, for export. */
export function documentOf(model: CompiledDecisionModel): DmnDocument {
  const document = documents.get(model);
  if (!document) throw new KairosError('NOT_FOUND', 'the model was not compiled by compileDmn');
  return document;
}

interface InputNode {
  readonly element: DmnInputData;
  readonly id: string;
  readonly name: string;
  /** Names like `constructor` exist on every object; only those need an own-property check. */
  readonly inherited: boolean;
  readonly slot: number;
  readonly type: DeclaredType;
}

interface DecisionNode {
  readonly element: DmnDecision;
  readonly id: string;
  readonly name: string;
  readonly slot: number;
  readonly type: DeclaredType | undefined;
  readonly usedInputs: Set<number>;
  readonly usedDecisions: Set<number>;
  logic: CompiledLogic;
}

interface Plan {
  readonly inputs: readonly InputNode[];
  readonly decisions: readonly DecisionNode[];
}

type ModelRef = { readonly kind: 'input' | 'decision'; readonly index: number } | { readonly kind: 'bkm' };

/** Resolves model-level names and records which inputs and decisions an element reads. */
class ModelScope implements CompileScope {
  constructor(
    private readonly bindings: ReadonlyMap<string, { binding: NameBinding; ref: ModelRef }>,
    private readonly owner: DecisionNode | null,
    private readonly bkmOnly: boolean,
  ) {}

  resolve(name: string): NameBinding | undefined {
    const entry = this.bindings.get(name);
    if (!entry) return undefined;
    if (this.bkmOnly && entry.ref.kind !== 'bkm') return undefined;
    if (this.owner && entry.ref.kind === 'input') this.owner.usedInputs.add(entry.ref.index);
    if (this.owner && entry.ref.kind === 'decision') this.owner.usedDecisions.add(entry.ref.index);
    return entry.binding;
  }
}

const NO_WARNINGS: readonly EvaluationWarning[] = Object.freeze([]);

export function compileDmnDocument(document: DmnDocument): CompiledDecisionModel {
  const definitions = document.definitions;
  const modelId = definitions.id ?? definitions.name ?? 'model';
  const findings = new FindingCollector();
  for (const message of document.parserWarnings) {
    findings.report('info', 'PARSER_WARNING', { tableId: modelId, element: definitions.name ?? modelId }, message);
  }

  const elements = definitions.drgElement ?? [];
  const inputElements = elements.filter(isInputData);
  const decisionElements = elements.filter(isDecision);
  const bkmElements = elements.filter(isBusinessKnowledgeModel);
  for (const other of elements) {
    if (!isInputData(other) && !isDecision(other) && !isBusinessKnowledgeModel(other) && other.$type === 'dmn:DecisionService') {
      findings.report('info', 'UNSUPPORTED', { tableId: other.id ?? '', element: other.name ?? '' }, 'decision services are not evaluated');
    }
  }

  const declared = new DeclaredNames(collectNames(definitions, bkmElements));
  const types = new TypeRegistry(definitions.itemDefinition ?? [], (text) => {
    try {
      return new FeelCompiler(EMPTY_SCOPE).unaryTests(parseFeelUnaryTests(text, declared));
    } catch (error) {
      return error instanceof Error ? error.message : 'unreadable';
    }
  });
  const ctx = new ModelCompileContext(declared, types, findings);

  const inputs: InputNode[] = inputElements.map((element, index) => {
    const name = elementName(element);
    const at = { tableId: element.id ?? name, element: name };
    return { element, id: element.id ?? name, name, inherited: name in Object.prototype, slot: index, type: ctx.type(element.variable?.typeRef, at) ?? ANY_DECLARED_TYPE };
  });
  const decisions: DecisionNode[] = decisionElements.map((element, index) => {
    const name = elementName(element);
    const at = { tableId: element.id ?? name, element: name };
    return {
      element,
      id: element.id ?? name,
      name,
      slot: inputs.length + index,
      type: element.variable?.typeRef ? ctx.type(element.variable.typeRef, at) : undefined,
      usedInputs: new Set(),
      usedDecisions: new Set(),
      logic: { kind: 'none', type: ANY_TYPE, evaluate: () => null, tables: [] },
    };
  });

  const bindings = new Map<string, { binding: NameBinding; ref: ModelRef }>();
  const define = (name: string, binding: NameBinding, ref: ModelRef, at: FindingLocation) => {
    if (bindings.has(name)) findings.report('error', 'DUPLICATE_NAME', at, `the name '${name}' is used by more than one element`);
    else bindings.set(name, { binding, ref });
  };
  inputs.forEach((input, index) =>
    define(input.name, { kind: 'slot', index: input.slot, type: input.type.feelType }, { kind: 'input', index }, { tableId: input.id, element: input.name }),
  );
  decisions.forEach((decision, index) =>
    define(
      decision.name,
      { kind: 'slot', index: decision.slot, type: decision.type?.feelType ?? ANY_TYPE },
      { kind: 'decision', index },
      { tableId: decision.id, element: decision.name },
    ),
  );
  const functions = new Map<string, FeelFunction>();
  for (const bkm of bkmElements) {
    const name = elementName(bkm);
    const resultType = bkm.variable?.typeRef ? (types.resolve(bkm.variable.typeRef)?.feelType ?? ANY_TYPE) : ANY_TYPE;
    define(
      name,
      { kind: 'deferred', get: () => functions.get(name) ?? null, type: functionType(resultType) },
      { kind: 'bkm' },
      { tableId: bkm.id ?? name, element: name },
    );
  }

  const tables: CompiledDecisionTable[] = [];
  for (const bkm of bkmElements) {
    const fn = compileKnowledgeModel(ctx, bkm, new ModelScope(bindings, null, true));
    functions.set(fn.function.name, fn.function);
    tables.push(...fn.tables);
  }
  for (const decision of decisions) {
    const at = { tableId: decision.id, element: decision.name };
    decision.logic = compileLogic(ctx, {
      expression: decision.element.decisionLogic as DmnExpression | undefined,
      scope: new ModelScope(bindings, decision, false),
      at,
      owner: decision.name,
      resultType: decision.type,
    });
    tables.push(...decision.logic.tables);
    if (decision.type && !isCompatible(decision.logic.type, decision.type.feelType)) {
      findings.report(
        'error',
        'TYPE_MISMATCH',
        at,
        `'${decision.name}' is declared ${describeType(decision.type.feelType)} but its logic gives ${describeType(decision.logic.type)}`,
      );
    }
    addRequirements(decision, inputs, decisions);
  }
  for (const problem of types.problems) {
    findings.report('error', 'UNKNOWN_TYPE', { tableId: problem.typeName, element: problem.typeName }, problem.message);
  }
  for (const table of tables) analyseDecisionTable(table.shape, findings);

  const plans = decisions.map((d) => planFor(d, decisions, inputs, findings));
  const byName = new Map<string, number>();
  decisions.forEach((d, i) => {
    byName.set(d.name, i);
    if (!byName.has(d.id)) byName.set(d.id, i);
  });
  const tableByRef = new Map<string, CompiledDecisionTable>();
  for (const table of tables) {
    tableByRef.set(table.id, table);
    if (!tableByRef.has(table.decision)) tableByRef.set(table.decision, table);
  }
  for (const d of decisions) if (d.logic.kind === 'decisionTable' && !tableByRef.has(d.id)) tableByRef.set(d.id, d.logic.tables[0]);

  const frames = new FramePool(inputs.length + decisions.length);
  const runDecision = (decision: DecisionNode, frame: FeelFrame, hits: RuleHit[]): unknown => {
    const value = decision.logic.evaluate(frame, hits);
    const type = decision.type;
    if (!type || type.feelType.kind === 'any') return value;
    const converted = conformResult(type, value, frame);
    if (converted !== NONCONFORMING) return converted;
    warn(frame, { code: 'OUTPUT_TYPE_MISMATCH', element: decision.name, message: `the result of '${decision.name}' is not a ${type.name}` });
    return null;
  };

  const model: CompiledDecisionModel = {
    id: modelId,
    name: definitions.name ?? modelId,
    namespace: definitions.namespace ?? '',
    sourceNamespace: document.sourceNamespace,
    decisions: decisions.map((d, i) => summarise(d, plans[i], decisions)),
    inputData: inputs.map((i) => ({ id: i.id, name: i.name, typeRef: i.element.variable?.typeRef ?? null })),
    tables: tables.map((t) => ({ id: t.id, decision: t.decision, hitPolicy: t.hitPolicy, aggregation: t.aggregation, ruleIds: t.ruleIds })),
    findings: findings.findings,

    evaluate(name, values) {
      const index = byName.get(name);
      if (index === undefined) throw new KairosError('NOT_FOUND', `decision '${name}' is not in model '${modelId}'`);
      const plan = plans[index];
      const decision = decisions[index];
      const frame = frames.acquire(values);
      try {
        const hits: RuleHit[] = [];
        for (const input of plan.inputs) frame.slots[input.slot] = readInput(input, values, frame);
        for (const step of plan.decisions) frame.slots[step.slot] = runDecision(step, frame, hits);
        return { decision: decision.name, value: frame.slots[decision.slot], matchedRules: hits, warnings: frame.warnings ?? NO_WARNINGS };
      } finally {
        frames.release(frame);
      }
    },

    evaluateTable(ref, values) {
      const table = tableByRef.get(ref);
      if (!table) throw new KairosError('NOT_FOUND', `decision table '${ref}' is not in model '${modelId}'`);
      const frame = frames.acquire(values);
      try {
        for (const input of inputs) frame.slots[input.slot] = readInput(input, values, frame);
        for (const decision of decisions) frame.slots[decision.slot] = ownValue(values, decision.name) ?? null;
        const hits: RuleHit[] = [];
        const value = table.evaluate(frame, hits);
        return { decision: table.decision, value, matchedRules: hits, warnings: frame.warnings ?? NO_WARNINGS };
      } finally {
        frames.release(frame);
      }
    },
  };
  documents.set(model, document);
  return model;
}

const EMPTY_SCOPE: CompileScope = { resolve: () => undefined };

function elementName(element: { name?: string; id?: string }): string {
  return element.name ?? element.id ?? '';
}

function ownValue(values: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
}

/** Reads one input by name and checks it against its declared type; a mismatch is evaluated as null. */
function readInput(input: InputNode, values: Readonly<Record<string, unknown>>, frame: FeelFrame): unknown {
  const raw = input.inherited ? ownValue(values, input.name) : values[input.name];
  const converted = input.type.conform(raw, frame);
  if (converted !== NONCONFORMING) return converted;
  warn(frame, { code: 'INPUT_TYPE_MISMATCH', element: input.name, message: `input '${input.name}' is not a ${input.type.name}` });
  return null;
}

/** Names FEEL must know to tokenise expressions: element names, components, parameters, context entries. */
function collectNames(definitions: DmnDefinitions, bkms: readonly DmnBusinessKnowledgeModel[]): string[] {
  const names: string[] = [...MULTI_WORD_BUILTINS];
  for (const element of definitions.drgElement ?? []) if (element.name) names.push(element.name);
  const components = (defs: readonly DmnItemDefinition[] | undefined): void => {
    for (const def of defs ?? []) {
      if (def.name) names.push(def.name);
      components(def.itemComponent);
    }
  };
  components(definitions.itemDefinition);
  for (const bkm of bkms) for (const p of bkm.encapsulatedLogic?.formalParameter ?? []) if (p.name) names.push(p.name);
  const contextEntries = (expression: DmnExpression | undefined): void => {
    if (!expression) return;
    if (expression.$type === 'dmn:Context') {
      for (const entry of expression.contextEntry ?? []) {
        if (entry.variable?.name) names.push(entry.variable.name);
        contextEntries(entry.value);
      }
    } else if (expression.$type === 'dmn:DecisionTable') {
      for (const output of expression.output ?? []) if (output.name) names.push(output.name);
    }
  };
  for (const element of definitions.drgElement ?? []) {
    if (isDecision(element)) contextEntries(element.decisionLogic);
    if (isBusinessKnowledgeModel(element)) contextEntries(element.encapsulatedLogic?.body);
  }
  return names;
}

function compileKnowledgeModel(ctx: ModelCompileContext, bkm: DmnBusinessKnowledgeModel, scope: CompileScope) {
  const name = elementName(bkm);
  const at = { tableId: bkm.id ?? name, element: name };
  const logic = bkm.encapsulatedLogic;
  const params = (logic?.formalParameter ?? []).map((p) => ({
    name: p.name ?? '',
    type: p.typeRef ? (ctx.type(p.typeRef, at) ?? ANY_DECLARED_TYPE) : ANY_DECLARED_TYPE,
  }));
  if (logic?.kind && logic.kind !== 'FEEL') ctx.findings.report('error', 'UNSUPPORTED', at, `${logic.kind} functions are not supported`);
  const body = compileLogic(ctx, {
    expression: logic?.body,
    scope: new LocalScope(scope, new Map<string, FeelType>(params.map((p) => [p.name, p.type.feelType]))),
    at,
    owner: name,
    resultType: undefined,
  });
  const fn = new FeelFunction(
    name,
    params.map((p) => p.name),
    (args, caller) => {
      const locals: Record<string, unknown> = Object.create(null);
      const frame = childFrame(caller, locals);
      for (let i = 0; i < params.length; i++) {
        const value = params[i].type.conform(args[i] ?? null, frame);
        if (value === NONCONFORMING) {
          warn(frame, { code: 'INPUT_TYPE_MISMATCH', element: name, message: `argument '${params[i].name}' of '${name}' is not a ${params[i].type.name}` });
        }
        locals[params[i].name] = value === NONCONFORMING ? null : value;
      }
      // Rules matched inside a knowledge model are not part of the caller's hit list.
      return body.evaluate(frame, null);
    },
  );
  return { function: fn, tables: body.tables };
}

/** Requirements declared in the DRD count as reads even when the logic does not name them. */
function addRequirements(decision: DecisionNode, inputs: readonly InputNode[], decisions: readonly DecisionNode[]): void {
  for (const requirement of decision.element.informationRequirement ?? []) {
    const inputId = referencedId(requirement.requiredInput);
    const decisionId = referencedId(requirement.requiredDecision);
    const inputIndex = inputs.findIndex((i) => i.id === inputId);
    if (inputIndex >= 0) decision.usedInputs.add(inputIndex);
    const decisionIndex = decisions.findIndex((d) => d.id === decisionId);
    if (decisionIndex >= 0) decision.usedDecisions.add(decisionIndex);
  }
}

/** The decisions to evaluate before this one, dependencies first, and the input data they read. */
function planFor(root: DecisionNode, decisions: readonly DecisionNode[], inputs: readonly InputNode[], findings: FindingCollector): Plan {
  const order: DecisionNode[] = [];
  const state = new Map<DecisionNode, 'visiting' | 'done'>();
  const usedInputs = new Set<number>();
  const visit = (node: DecisionNode): void => {
    const seen = state.get(node);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      if (node === root) findings.report('error', 'DEPENDENCY_CYCLE', { tableId: node.id, element: node.name }, `'${node.name}' depends on itself`);
      return;
    }
    state.set(node, 'visiting');
    for (const index of node.usedDecisions) visit(decisions[index]);
    for (const index of node.usedInputs) usedInputs.add(index);
    state.set(node, 'done');
    order.push(node);
  };
  visit(root);
  return { inputs: [...usedInputs].sort((a, b) => a - b).map((i) => inputs[i]), decisions: order };
}

function summarise(decision: DecisionNode, plan: Plan, decisions: readonly DecisionNode[]): DecisionSummary {
  return {
    id: decision.id,
    name: decision.name,
    logic: decision.logic.kind,
    typeRef: decision.element.variable?.typeRef ?? null,
    inputs: plan.inputs.map((i) => i.name),
    requiredDecisions: [...decision.usedDecisions].map((i) => decisions[i].name),
  };
}
