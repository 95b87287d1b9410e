import { Liquid } from 'liquidjs';
import type { Span } from './text-detectors';

/**
 * Templates only substitute values: `{{ customer.firstName }}`, optionally through an allowed filter with literal
 * arguments (`{{ customer.firstName | default: "Kundin, Kunde" }}`). Tags, lookups by expression and unknown
 * names are refused, so a draft cannot loop, include files or reach data the delivery does not hand it.
 */
export interface PlaceholderUse {
  readonly span: Span;
  /** The dotted name, or null when the expression is not a plain name. */
  readonly name: string | null;
  readonly filters: readonly string[];
}

export interface PlaceholderScan {
  readonly uses: readonly PlaceholderUse[];
  readonly tags: readonly Span[];
  readonly syntaxErrors: readonly Span[];
}

const OUTPUT = /\{\{-?([\s\S]*?)-?\}\}/g;
const TAG = /\{%-?[\s\S]*?-?%\}/g;
const PLAIN = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*((?:\|\s*[a-z_]+\s*(?::\s*(?:"[^"{}]*"|'[^'{}]*'|\d+)\s*)?)*)$/;

const parser = new Liquid({ strictFilters: false, strictVariables: true, cache: false });

export function scanPlaceholders(text: string): PlaceholderScan {
  if (!text.includes('{') && !text.includes('}')) return { uses: [], tags: [], syntaxErrors: [] };
  const uses: PlaceholderUse[] = [];
  for (const match of text.matchAll(OUTPUT)) {
    const plain = PLAIN.exec(match[1]);
    const filters = plain ? [...plain[2].matchAll(/\|\s*([a-z_]+)/g)].map((filter) => filter[1]) : [];
    uses.push({ span: { offset: match.index, length: match[0].length }, name: plain ? plain[1] : null, filters });
  }
  const tags = [...text.matchAll(TAG)].map((match) => ({ offset: match.index, length: match[0].length }));
  const syntaxErrors: Span[] = [];
  const rest = text.replace(OUTPUT, (whole) => ' '.repeat(whole.length)).replace(TAG, (whole) => ' '.repeat(whole.length));
  for (const stray of rest.matchAll(/\{\{|\}\}|\{%|%\}/g)) syntaxErrors.push({ offset: stray.index, length: 2 });
  if (syntaxErrors.length === 0) {
    try {
      parser.parse(text);
    } catch {
      syntaxErrors.push({ offset: 0, length: text.length });
    }
  }
  return { uses, tags, syntaxErrors };
}

/** The text with each placeholder replaced by `x` repeated its longest value, for length limits. */
export function expandForLength(text: string, maxCharsOf: (name: string) => number): string {
  if (!text.includes('{{')) return text;
  return text.replace(OUTPUT, (_whole, expression: string) => {
    const plain = PLAIN.exec(expression);
    return 'x'.repeat(plain ? maxCharsOf(plain[1]) : 0);
  });
}
