import { createHash } from 'node:crypto';
import { sortVariants, type DraftContent } from '../draft/draft-content.schema';

/**
 * The identity of an exact text: SHA-256 over a canonical JSON form (sorted keys, variants in a fixed order).
 * An approval binds this hash, and a send must present it, so one changed character needs a new approval.
 */
export function contentHash(content: DraftContent): string {
  return `sha256:${createHash('sha256').update(canonicalJson(sortVariants(content))).digest('hex')}`;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, child]) => child !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
}

export const CONTENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
