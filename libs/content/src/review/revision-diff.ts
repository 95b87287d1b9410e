import { fieldsOfContent, type DraftContent } from '../draft/draft-content.schema';

export type DiffOperation = { readonly op: 'equal' | 'insert' | 'delete'; readonly text: string };

export interface FieldDiff {
  readonly channel: string;
  readonly variantKey: string;
  readonly field: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Word-level operations from the older text to the newer one. */
  readonly operations: readonly DiffOperation[];
}

export interface RevisionDiff {
  readonly fromRevision: number;
  readonly toRevision: number;
  readonly languageChanged: boolean;
  readonly fields: readonly FieldDiff[];
}

/** Beyond this many tokens per side the diff falls back to "replace everything" instead of an O(n·m) table. */
const MAX_TOKENS = 2_000;

function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

function merge(operations: DiffOperation[], op: DiffOperation['op'], text: string): void {
  const last = operations[operations.length - 1];
  if (last !== undefined && last.op === op) operations[operations.length - 1] = { op, text: last.text + text };
  else operations.push({ op, text });
}

/** Word diff by longest common subsequence; what a reviewer needs to see exactly what an edit changed. */
export function diffText(before: string, after: string): DiffOperation[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length > MAX_TOKENS || b.length > MAX_TOKENS) return [...(before ? [{ op: 'delete' as const, text: before }] : []), ...(after ? [{ op: 'insert' as const, text: after }] : [])];
  const table: Uint16Array[] = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  }
  const operations: DiffOperation[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      merge(operations, 'equal', a[i]);
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) merge(operations, 'delete', a[i++]);
    else merge(operations, 'insert', b[j++]);
  }
  while (i < a.length) merge(operations, 'delete', a[i++]);
  while (j < b.length) merge(operations, 'insert', b[j++]);
  return operations;
}

export function diffRevisions(from: { revision: number; content: DraftContent }, to: { revision: number; content: DraftContent }): RevisionDiff {
  const key = (f: { channel: string; variantKey: string; field: string }) => `${f.channel}/${f.variantKey}/${f.field}`;
  const before = new Map(fieldsOfContent(from.content).map((field) => [key(field), field]));
  const after = new Map(fieldsOfContent(to.content).map((field) => [key(field), field]));
  const fields: FieldDiff[] = [];
  for (const [id, field] of after) {
    const old = before.get(id);
    if (old === undefined) fields.push({ channel: field.channel, variantKey: field.variantKey, field: field.field, change: 'added', operations: [{ op: 'insert', text: field.text }] });
    else if (old.text !== field.text) fields.push({ channel: field.channel, variantKey: field.variantKey, field: field.field, change: 'changed', operations: diffText(old.text, field.text) });
  }
  for (const [id, field] of before) {
    if (!after.has(id)) fields.push({ channel: field.channel, variantKey: field.variantKey, field: field.field, change: 'removed', operations: [{ op: 'delete', text: field.text }] });
  }
  return { fromRevision: from.revision, toRevision: to.revision, languageChanged: from.content.language !== to.content.language, fields };
}
