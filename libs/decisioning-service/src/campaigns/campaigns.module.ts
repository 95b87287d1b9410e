import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import type { ActionCatalog } from '@kairos/decisioning';
import { CampaignDirectory } from './campaign-directory';
import { CampaignsController } from './campaigns.controller';
import type { LiveCampaignBook } from './live-campaign-book';

export interface CampaignsHttpOptions {
  readonly catalog: ActionCatalog;
  readonly book: LiveCampaignBook;
  readonly clock?: () => number;
}

export interface CampaignsModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => CampaignsHttpOptions | Promise<CampaignsHttpOptions>;
}

const CAMPAIGNS_HTTP_OPTIONS = Symbol('CAMPAIGNS_HTTP_OPTIONS');

/** /v1/campaigns over the process's campaign book. */
@Module({})
export class CampaignsModule {
  static forRootAsync(options: CampaignsModuleAsyncOptions): DynamicModule {
    return {
      module: CampaignsModule,
      imports: options.imports ?? [],
      controllers: [CampaignsController],
      providers: [
        { provide: CAMPAIGNS_HTTP_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: CampaignDirectory, useFactory: (o: CampaignsHttpOptions) => new CampaignDirectory(o.catalog, o.book, o.clock), inject: [CAMPAIGNS_HTTP_OPTIONS] },
      ],
      exports: [CampaignDirectory],
    };
  }
}
