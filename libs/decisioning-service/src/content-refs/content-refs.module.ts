import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { ContentRefDirectory, type ContentRefsOptions } from './content-ref-directory';
import { ContentRefsController } from './content-refs.controller';

export interface ContentRefsModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => ContentRefsOptions | Promise<ContentRefsOptions>;
}

const CONTENT_REFS_OPTIONS = Symbol('CONTENT_REFS_OPTIONS');

/** /v1/content-refs over the process's action catalog and content ref bindings. */
@Module({})
export class ContentRefsModule {
  static forRootAsync(options: ContentRefsModuleAsyncOptions): DynamicModule {
    return {
      module: ContentRefsModule,
      imports: options.imports ?? [],
      controllers: [ContentRefsController],
      providers: [
        { provide: CONTENT_REFS_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: ContentRefDirectory, useFactory: (o: ContentRefsOptions) => new ContentRefDirectory(o), inject: [CONTENT_REFS_OPTIONS] },
      ],
      exports: [ContentRefDirectory],
    };
  }
}
