import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileContentPolicy, type ContentPolicy } from '@kairos/content';

export const DEFAULT_CONTENT_POLICY_FILE = 'governance/content-policy.json';

/** Reads and compiles the content policy; a broken file stops the process at start, naming the problem. */
export function loadContentPolicyFile(path: string = DEFAULT_CONTENT_POLICY_FILE): ContentPolicy {
  return compileContentPolicy(JSON.parse(readFileSync(resolve(path), 'utf8')) as unknown);
}
