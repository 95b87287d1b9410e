import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import type { ActionCatalog } from '@kairos/decisioning';
import { CampaignDirectory } from './campaign-directory';
import { CampaignsController } from './campaigns.controller';
import type { LiveCampaignBook } from './live-campaign-book';
import { CampaignLifecycleController } from './lifecycle/campaign-lifecycle.controller';
import { CampaignLifecycleService, type CampaignLifecycleOptions } from './lifecycle/campaign-lifecycle.service';
import { CampaignSimulationService, type CampaignSimulationOptions } from './lifecycle/campaign-simulation.service';
import type { ServedCampaigns } from './lifecycle/served-campaigns';
import { CAMPAIGN_SEND_COUNTS, CampaignSendsController, type CampaignSendCountSource } from './send/campaign-sends.controller';

export interface CampaignsHttpOptions {
  readonly catalog: ActionCatalog;
  readonly book: LiveCampaignBook;
  readonly clock?: () => number;
  /** Campaign authoring (create, edit, submit, approve, retire): its store, audit trail and content check. */
  readonly lifecycle: Omit<CampaignLifecycleOptions, 'catalog' | 'clock' | 'served'> & Pick<CampaignSimulationOptions, 'sources'>;
  /** The process's served campaigns: refreshed right after an approval or retirement here, read by GET /v1/campaigns/{id}. */
  readonly served?: ServedCampaigns;
  /** The campaign send ledger, read by GET /v1/campaigns/{id}/sends. */
  readonly sends: CampaignSendCountSource;
}

export interface CampaignsModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => CampaignsHttpOptions | Promise<CampaignsHttpOptions>;
}

const CAMPAIGNS_HTTP_OPTIONS = Symbol('CAMPAIGNS_HTTP_OPTIONS');

function lifecycleOf(o: CampaignsHttpOptions): CampaignLifecycleService {
  return new CampaignLifecycleService({ ...o.lifecycle, catalog: o.catalog, ...(o.clock ? { clock: o.clock } : {}), ...(o.served ? { served: o.served } : {}) });
}

function simulationOf(o: CampaignsHttpOptions): CampaignSimulationService {
  const { repository, isFeature, sources } = o.lifecycle;
  return new CampaignSimulationService({ repository, isFeature, sources, catalog: o.catalog, ...(o.clock ? { clock: o.clock } : {}) });
}

/** /v1/campaigns over the process's campaign book, and campaign authoring. */
@Module({})
export class CampaignsModule {
  static forRootAsync(options: CampaignsModuleAsyncOptions): DynamicModule {
    return {
      module: CampaignsModule,
      imports: options.imports ?? [],
      // The lifecycle and send routes come first: `GET :campaignId/versions` must not be read as a campaign id.
      controllers: [CampaignLifecycleController, CampaignSendsController, CampaignsController],
      providers: [
        { provide: CAMPAIGNS_HTTP_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: CampaignDirectory, useFactory: (o: CampaignsHttpOptions) => new CampaignDirectory(o.catalog, o.book, o.clock, o.served?.live), inject: [CAMPAIGNS_HTTP_OPTIONS] },
        { provide: CampaignLifecycleService, useFactory: lifecycleOf, inject: [CAMPAIGNS_HTTP_OPTIONS] },
        { provide: CampaignSimulationService, useFactory: simulationOf, inject: [CAMPAIGNS_HTTP_OPTIONS] },
        { provide: CAMPAIGN_SEND_COUNTS, useFactory: (o: CampaignsHttpOptions) => o.sends, inject: [CAMPAIGNS_HTTP_OPTIONS] },
      ],
      exports: [CampaignDirectory, CampaignLifecycleService, CampaignSimulationService],
    };
  }
}
