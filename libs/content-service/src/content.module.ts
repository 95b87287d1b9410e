import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { ContentDraftingService } from './drafting/content-drafting.service';
import { ContentDraftsController } from './http/content-drafts.controller';
import { CONTENT_SERVICE_OPTIONS, type ContentServiceOptions } from './content-options';
import { ContentCatalog } from './review/content-catalog.service';
import { ContentReviewService } from './review/content-review.service';

export interface ContentModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => ContentServiceOptions | Promise<ContentServiceOptions>;
}

/**
 * The content bounded context: drafting, review and the catalog decisions ask. Mount it in any process that
 * serves /v1/content-drafts; processes that only need the catalog can build it with createContentServices.
 */
@Module({})
export class ContentModule {
  static forRoot(options: ContentServiceOptions): DynamicModule {
    return ContentModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: ContentModuleAsyncOptions): DynamicModule {
    return {
      module: ContentModule,
      imports: options.imports ?? [],
      controllers: [ContentDraftsController],
      providers: [
        { provide: CONTENT_SERVICE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: ContentDraftingService, useFactory: (o: ContentServiceOptions) => new ContentDraftingService(o), inject: [CONTENT_SERVICE_OPTIONS] },
        { provide: ContentReviewService, useFactory: (o: ContentServiceOptions) => new ContentReviewService(o), inject: [CONTENT_SERVICE_OPTIONS] },
        { provide: ContentCatalog, useFactory: (o: ContentServiceOptions) => new ContentCatalog(o.repository, o.policy), inject: [CONTENT_SERVICE_OPTIONS] },
      ],
      exports: [ContentDraftingService, ContentReviewService, ContentCatalog],
    };
  }
}

/** The same services without Nest, for the runtime or a worker that only needs the catalog. */
export function createContentServices(options: ContentServiceOptions): { drafting: ContentDraftingService; review: ContentReviewService; catalog: ContentCatalog } {
  return { drafting: new ContentDraftingService(options), review: new ContentReviewService(options), catalog: new ContentCatalog(options.repository, options.policy) };
}
