import { Module } from '@nestjs/common';
import { ContentCatalog, loadContentPolicyFile } from '@kairos/content-service';
import { ContentRefsModule, type ContentRefsOptions } from '@kairos/decisioning-service';
import { ContentDraftRepository } from '@kairos/persistence';
import { KairosRuntime } from './kairos-runtime';

/** Content ref options from the process runtime: its action catalog, the decision core's bindings, content and audit. */
export function contentRefsOptionsFor(runtime: KairosRuntime): ContentRefsOptions {
  const drafts = new ContentDraftRepository(runtime.database);
  return {
    catalog: runtime.decisioning.catalog,
    bindings: runtime.decisioning.contentBindings,
    revisions: new ContentCatalog(drafts, loadContentPolicyFile()),
    drafts,
    audit: runtime.audit.journal,
  };
}

/** `/v1/content-refs`: content reviewers bind the catalog's content references to approved drafts. */
@Module({ imports: [ContentRefsModule.forRootAsync({ inject: [KairosRuntime], useFactory: (runtime: KairosRuntime) => contentRefsOptionsFor(runtime) })] })
export class ContentRefsWiringModule {}
