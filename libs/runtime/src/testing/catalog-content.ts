import { approveDemoContent } from '../demo-content';
import type { KairosRuntime } from '../kairos-runtime';

/**
 * Every content reference of the action catalog gets a real draft, written by the content author, approved by the
 * content reviewer and bound to its reference over HTTP, so decisions can serve every action (tests only).
 */
export async function approveCatalogContent(runtime: KairosRuntime, baseUrl: string): Promise<void> {
  await approveDemoContent(baseUrl);
  // Bindings are read at most every poll interval by other processes; this one has them already.
  await runtime.decisioning.contentBindings.refresh();
}
