import type { DmnItemDefinition } from '../dmn/dmn-elements';
import type { FeelFrame, UnaryTest } from '../feel/feel-frame';
import {
  ANY_CONTEXT_TYPE,
  ANY_LIST_TYPE,
  ANY_TYPE,
  BOOLEAN_TYPE,
  DATE_TIME_TYPE,
  DATE_TYPE,
  FeelType,
  NUMBER_TYPE,
  STRING_TYPE,
  listOf,
} from '../feel/feel-types';
import {
  FeelDate,
  FeelDateTime,
  FeelFunction,
  dateTimeFromJsDate,
  isFeelContext,
  parseFeelDate,
  parseFeelDateTime,
} from '../feel/feel-values';

/** Marks a value that does not conform to its declared type; DMN then evaluates it as `null`. */
export const NONCONFORMING: unique symbol = Symbol('nonconforming');

/**
 * A type a model declares (`typeRef`): built-in FEEL types and item definitions with components, allowed
 * values and collections. `conform` is compiled once per type and runs on every evaluation for input data,
 * so it converts only what must be converted (ISO strings to dates) and otherwise returns the value itself.
 */
export interface DeclaredType {
  readonly name: string;
  readonly feelType: FeelType;
  /** The allowed values as unary tests, when the type restricts them; used by deploy-time checks. */
  readonly allowedValuesText?: string;
  conform(value: unknown, frame: FeelFrame): unknown;
}

const anyConform = (value: unknown): unknown => (value === undefined ? null : value);

function primitive(name: string, feelType: FeelType, accept: (v: unknown) => unknown): DeclaredType {
  return {
    name,
    feelType,
    conform: (value) => (value === null || value === undefined ? null : accept(value)),
  };
}

const NUMBER = primitive('number', NUMBER_TYPE, (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NONCONFORMING));
const STRING = primitive('string', STRING_TYPE, (v) => (typeof v === 'string' ? v : NONCONFORMING));
const BOOLEAN = primitive('boolean', BOOLEAN_TYPE, (v) => (typeof v === 'boolean' ? v : NONCONFORMING));
const DATE = primitive('date', DATE_TYPE, (v) => {
  if (v instanceof FeelDate) return v;
  // Features arrive as JSON: an ISO date string is a date when the model says so.
  if (typeof v === 'string') return parseFeelDate(v) ?? NONCONFORMING;
  if (v instanceof Date && Number.isFinite(v.getTime())) {
    return FeelDate.fromParts(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()) ?? NONCONFORMING;
  }
  return NONCONFORMING;
});
const DATE_TIME = primitive('date and time', DATE_TIME_TYPE, (v) => {
  if (v instanceof FeelDateTime) return v;
  if (typeof v === 'string') return parseFeelDateTime(v) ?? NONCONFORMING;
  if (v instanceof Date) return dateTimeFromJsDate(v) ?? NONCONFORMING;
  return NONCONFORMING;
});
const ANY: DeclaredType = { name: 'Any', feelType: ANY_TYPE, conform: anyConform };
const CONTEXT = primitive('context', ANY_CONTEXT_TYPE, (v) => (isFeelContext(v) ? v : NONCONFORMING));
const LIST = primitive('list', ANY_LIST_TYPE, (v) => (Array.isArray(v) ? v : NONCONFORMING));
const FUNCTION = primitive('function', { kind: 'function', result: ANY_TYPE }, (v) => (v instanceof FeelFunction ? v : NONCONFORMING));
/** Time and durations are accepted as declared but not checked: the engine has no values of these types yet. */
const UNCHECKED = (name: string): DeclaredType => ({ name, feelType: ANY_TYPE, conform: anyConform });

const BUILTIN_TYPES: ReadonlyMap<string, DeclaredType> = new Map([
  ['number', NUMBER],
  ['string', STRING],
  ['boolean', BOOLEAN],
  ['date', DATE],
  ['dateTime', DATE_TIME],
  ['date and time', DATE_TIME],
  ['Any', ANY],
  ['context', CONTEXT],
  ['list', LIST],
  ['function', FUNCTION],
  ['time', UNCHECKED('time')],
  ['dayTimeDuration', UNCHECKED('days and time duration')],
  ['yearMonthDuration', UNCHECKED('years and months duration')],
  ['days and time duration', UNCHECKED('days and time duration')],
  ['years and months duration', UNCHECKED('years and months duration')],
  ['duration', UNCHECKED('duration')],
  // Camunda 7 modelers write Java type names; accepting them lets those tables deploy unchanged.
  ['integer', NUMBER],
  ['long', NUMBER],
  ['double', NUMBER],
  ['int', NUMBER],
  ['decimal', NUMBER],
]);

export const ANY_DECLARED_TYPE = ANY;

/** Compiles an allowed-values text into a test; returns an error message when it does not parse. */
export type AllowedValuesCompiler = (text: string) => UnaryTest | string;

export interface TypeProblem {
  readonly typeName: string;
  readonly message: string;
}

/** Resolves `typeRef`s of one model against its item definitions. */
export class TypeRegistry {
  private readonly definitions = new Map<string, DmnItemDefinition>();
  private readonly resolved = new Map<string, DeclaredType>();
  private readonly resolving = new Set<string>();
  readonly problems: TypeProblem[] = [];

  constructor(
    itemDefinitions: readonly DmnItemDefinition[],
    private readonly compileAllowedValues: AllowedValuesCompiler,
  ) {
    for (const def of itemDefinitions) if (def.name) this.definitions.set(def.name, def);
  }

  /** `undefined` typeRef means "not declared", which DMN reads as Any. Unknown names resolve to undefined. */
  resolve(typeRef: string | undefined): DeclaredType | undefined {
    if (typeRef === undefined || typeRef.trim() === '') return ANY;
    const name = typeRef.trim();
    return this.lookup(name) ?? (name.includes(':') ? this.lookup(name.slice(name.indexOf(':') + 1)) : undefined);
  }

  private lookup(name: string): DeclaredType | undefined {
    const cached = this.resolved.get(name);
    if (cached) return cached;
    const definition = this.definitions.get(name);
    if (definition) {
      if (this.resolving.has(name)) {
        this.problems.push({ typeName: name, message: `item definition '${name}' refers to itself` });
        return ANY;
      }
      this.resolving.add(name);
      const type = this.fromDefinition(definition, name);
      this.resolving.delete(name);
      this.resolved.set(name, type);
      return type;
    }
    return BUILTIN_TYPES.get(name);
  }

  private fromDefinition(def: DmnItemDefinition, name: string): DeclaredType {
    let base: DeclaredType;
    if (def.itemComponent && def.itemComponent.length > 0) {
      base = this.structure(def.itemComponent, name);
    } else {
      const resolved = this.resolve(def.typeRef);
      if (!resolved) this.problems.push({ typeName: name, message: `type '${def.typeRef ?? ''}' of '${name}' is not defined` });
      base = resolved ?? ANY;
    }
    const allowedText = def.allowedValues?.text;
    if (allowedText !== undefined && allowedText.trim() !== '') base = this.restricted(base, allowedText, name);
    return def.isCollection ? collectionOf(base, name) : { ...base, name };
  }

  private structure(components: readonly DmnItemDefinition[], name: string): DeclaredType {
    const fields = components.map((c) => ({ key: c.name ?? '', type: this.fromDefinition(c, `${name}.${c.name ?? ''}`) }));
    const feelType: FeelType = { kind: 'context', entries: new Map(fields.map((f) => [f.key, f.type.feelType])) };
    return {
      name,
      feelType,
      conform(value, frame) {
        if (value === null || value === undefined) return null;
        if (!isFeelContext(value)) return NONCONFORMING;
        let copy: Record<string, unknown> | null = null;
        for (const { key, type } of fields) {
          const own = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
          const converted = type.conform(own, frame);
          if (converted === NONCONFORMING) return NONCONFORMING;
          // Copy only when a component was converted (e.g. an ISO string became a date).
          if (converted !== own && !(converted === null && own === undefined)) (copy ??= { ...value })[key] = converted;
        }
        return copy ?? value;
      },
    };
  }

  private restricted(base: DeclaredType, allowedText: string, name: string): DeclaredType {
    const test = this.compileAllowedValues(allowedText);
    if (typeof test === 'string') {
      this.problems.push({ typeName: name, message: `allowed values of '${name}' do not parse: ${test}` });
      return base;
    }
    return {
      name,
      feelType: base.feelType,
      allowedValuesText: allowedText,
      conform(value, frame) {
        const converted = base.conform(value, frame);
        if (converted === NONCONFORMING || converted === null) return converted;
        return test(converted, frame) === true ? converted : NONCONFORMING;
      },
    };
  }
}

function collectionOf(element: DeclaredType, name: string): DeclaredType {
  return {
    name,
    feelType: listOf(element.feelType),
    conform(value, frame) {
      if (value === null || value === undefined) return null;
      if (!Array.isArray(value)) {
        // FEEL's singleton-list conversion: a single conforming value stands for a list of one.
        const single = element.conform(value, frame);
        return single === NONCONFORMING ? NONCONFORMING : [single];
      }
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const converted = element.conform(value[i], frame);
        if (converted === NONCONFORMING) return NONCONFORMING;
        if (converted !== value[i]) (copy ??= [...value])[i] = converted;
      }
      return copy ?? value;
    },
  };
}

/** The reverse conversion for results: a list of one where a single value is declared. */
export function conformResult(type: DeclaredType, value: unknown, frame: FeelFrame): unknown {
  const converted = type.conform(value, frame);
  if (converted !== NONCONFORMING) return converted;
  if (Array.isArray(value) && value.length === 1) return type.conform(value[0], frame);
  return NONCONFORMING;
}
