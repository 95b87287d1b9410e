import { KairosError } from '@kairos/contracts';
import { DmnModdle } from 'dmn-moddle';
import type { DmnDefinitions } from './dmn-elements';

/** The namespace dmn-moddle reads and writes. */
export const DMN13_MODEL_NAMESPACE = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
const DMN13_DI_NAMESPACE = 'https://www.omg.org/spec/DMN/20191111/DMNDI/';

/**
 * DMN 1.1, 1.2, 1.4 and 1.5 differ from 1.3 in namespace far more than in the elements a decision table uses;
 * reading them as 1.3 lets one parser serve the TCK (1.5) and older Camunda exports (1.1). Elements that only
 * exist in later versions are reported by dmn-moddle as warnings and ignored.
 */
const NAMESPACE_ALIASES: Readonly<Record<string, string>> = {
  'http://www.omg.org/spec/DMN/20151101/dmn.xsd': DMN13_MODEL_NAMESPACE,
  'http://www.omg.org/spec/DMN/20180521/MODEL/': DMN13_MODEL_NAMESPACE,
  'https://www.omg.org/spec/DMN/20211108/MODEL/': DMN13_MODEL_NAMESPACE,
  'https://www.omg.org/spec/DMN/20230324/MODEL/': DMN13_MODEL_NAMESPACE,
  'http://www.omg.org/spec/DMN/20180521/DMNDI/': DMN13_DI_NAMESPACE,
  'https://www.omg.org/spec/DMN/20211108/DMNDI/': DMN13_DI_NAMESPACE,
  'https://www.omg.org/spec/DMN/20230324/DMNDI/': DMN13_DI_NAMESPACE,
};

const NAMESPACE_DECLARATION = /(xmlns(?::[\w.-]+)?\s*=\s*)(["'])([^"']*)\2/g;

export interface DmnDocument {
  readonly definitions: DmnDefinitions;
  /** The model namespace the XML was written in, before it was read as DMN 1.3. */
  readonly sourceNamespace: string;
  /** Content dmn-moddle could not place (unknown elements or attributes); kept out of the model. */
  readonly parserWarnings: readonly string[];
}

let moddle: DmnModdle | undefined;

function dmnModdle(): DmnModdle {
  return (moddle ??= new DmnModdle());
}

export async function readDmnXml(xml: string): Promise<DmnDocument> {
  let sourceNamespace = DMN13_MODEL_NAMESPACE;
  const normalised = xml.replace(NAMESPACE_DECLARATION, (whole, prefix: string, quote: string, uri: string) => {
    const alias = NAMESPACE_ALIASES[uri];
    if (!alias) return whole;
    if (alias === DMN13_MODEL_NAMESPACE) sourceNamespace = uri;
    return `${prefix}${quote}${alias}${quote}`;
  });
  let parsed;
  try {
    parsed = await dmnModdle().fromXML(normalised, 'dmn:Definitions');
  } catch (error) {
    // The parser's message quotes the offending text; only its position goes back to the client (P1: no echo).
    const at = error instanceof Error ? /line: (\d+)\s+column: (\d+)/.exec(error.message) : null;
    throw new KairosError('VALIDATION_FAILED', 'the DMN document is not readable XML', [
      { path: 'xml', rule: 'dmn', message: at ? `unreadable XML at line ${at[1]}, column ${at[2]}` : 'unreadable XML' },
    ]);
  }
  const root = parsed.rootElement as DmnDefinitions | undefined;
  if (!root || root.$type !== 'dmn:Definitions') {
    throw new KairosError('VALIDATION_FAILED', 'the document is not a DMN model', [
      { path: 'xml', rule: 'dmn', message: 'expected a <definitions> root element in a DMN 1.1–1.5 namespace' },
    ]);
  }
  return { definitions: root, sourceNamespace, parserWarnings: parsed.warnings.map((w) => w.message) };
}

/** Writes the model as DMN 1.3 XML, diagram and vendor extensions included. */
export async function writeDmnXml(definitions: DmnDefinitions): Promise<string> {
  const { xml } = await dmnModdle().toXML(definitions, { format: true });
  return xml;
}
