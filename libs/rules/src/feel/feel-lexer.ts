import { FeelSyntaxError } from './feel-syntax-error';

export type TokenKind = 'number' | 'string' | 'name' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text for punctuation and names (whitespace in multi-word names collapsed to one space). */
  readonly text: string;
  /** Parsed value of number and string literals. */
  readonly value?: number | string;
  /** True when the name matched a declared name, so it is never read as a keyword. */
  readonly declared?: boolean;
  readonly start: number;
}

/**
 * Names that may contain spaces or operator characters (`Monthly Salary`, `date and time`, `Approved/Declined`).
 * FEEL cannot tokenise them without knowing which names exist, so the lexer matches declared names first,
 * longest first.
 */
export class DeclaredNames {
  private readonly byFirstChar = new Map<string, string[]>();

  constructor(names: Iterable<string>) {
    for (const raw of names) this.add(raw);
  }

  add(raw: string): void {
    const name = normaliseName(raw);
    if (name === '') return;
    const list = this.byFirstChar.get(name[0]) ?? [];
    if (list.includes(name)) return;
    list.push(name);
    list.sort((a, b) => b.length - a.length);
    this.byFirstChar.set(name[0], list);
  }

  /** Returns the declared name starting at `pos` and the position after it, or undefined. */
  match(source: string, pos: number): { name: string; end: number } | undefined {
    const candidates = this.byFirstChar.get(source[pos]);
    if (!candidates) return undefined;
    for (const name of candidates) {
      const end = matchFlexibleWhitespace(source, pos, name);
      if (end >= 0 && !isNamePart(source.charCodeAt(end))) return { name, end };
    }
    return undefined;
  }
}

export function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

function matchFlexibleWhitespace(source: string, pos: number, name: string): number {
  let i = pos;
  for (let j = 0; j < name.length; j++) {
    const c = name.charCodeAt(j);
    if (c === 32) {
      if (!isWhitespace(source.charCodeAt(i))) return -1;
      while (isWhitespace(source.charCodeAt(i))) i++;
    } else {
      if (source.charCodeAt(i) !== c) return -1;
      i++;
    }
  }
  return i;
}

const PUNCTUATION_2 = new Set(['..', '**', '<=', '>=', '!=']);
const PUNCTUATION_1 = new Set(['(', ')', '[', ']', '{', '}', ',', '.', ':', '?', '=', '<', '>', '+', '-', '*', '/', '@']);

export function tokenize(source: string, declared: DeclaredNames): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const c = source.charCodeAt(pos);
    if (isWhitespace(c)) {
      pos++;
      continue;
    }
    if (c === 47 && source.charCodeAt(pos + 1) === 47) {
      // `// comment` to end of line
      while (pos < source.length && source.charCodeAt(pos) !== 10) pos++;
      continue;
    }
    if (c === 47 && source.charCodeAt(pos + 1) === 42) {
      const close = source.indexOf('*/', pos + 2);
      if (close < 0) throw new FeelSyntaxError('unterminated comment', source, pos);
      pos = close + 2;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(pos + 1)))) {
      const start = pos;
      while (isDigit(source.charCodeAt(pos))) pos++;
      if (source.charCodeAt(pos) === 46 && isDigit(source.charCodeAt(pos + 1))) {
        pos++;
        while (isDigit(source.charCodeAt(pos))) pos++;
      }
      const text = source.slice(start, pos);
      tokens.push({ kind: 'number', text, value: Number(text), start });
      continue;
    }
    if (c === 34) {
      const start = pos;
      const { value, end } = readString(source, pos);
      tokens.push({ kind: 'string', text: source.slice(start, end), value, start });
      pos = end;
      continue;
    }
    if (isNameStart(c)) {
      const match = declared.match(source, pos);
      if (match) {
        tokens.push({ kind: 'name', text: match.name, declared: true, start: pos });
        pos = match.end;
        continue;
      }
      const start = pos;
      pos++;
      while (isNamePart(source.charCodeAt(pos))) pos++;
      tokens.push({ kind: 'name', text: source.slice(start, pos), start });
      continue;
    }
    const two = source.slice(pos, pos + 2);
    const one = source[pos];
    const punct = PUNCTUATION_2.has(two) ? two : PUNCTUATION_1.has(one) ? one : undefined;
    if (punct === undefined) throw new FeelSyntaxError(`unexpected character '${one}'`, source, pos);
    tokens.push({ kind: 'punct', text: punct, start: pos });
    pos += punct.length;
  }
  tokens.push({ kind: 'eof', text: '', start: source.length });
  return tokens;
}

function readString(source: string, start: number): { value: string; end: number } {
  let out = '';
  let pos = start + 1;
  while (pos < source.length) {
    const ch = source[pos];
    if (ch === '"') return { value: out, end: pos + 1 };
    if (ch === '\\') {
      const next = source[pos + 1];
      switch (next) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'u': {
          const hex = source.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new FeelSyntaxError('bad \\u escape', source, pos);
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          out += next ?? '';
      }
      pos += 2;
      continue;
    }
    out += ch;
    pos++;
  }
  throw new FeelSyntaxError('unterminated string', source, start);
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0xc0;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c) || c === 39;
}
