import { Module } from '@nestjs/common';
import { CampaignsModule, CapacityModule } from '@kairos/decisioning-service';
import { CampaignSendRepository } from '@kairos/persistence';
import { campaignLifecycleOf, openCampaigns } from './campaigns-parts';
import { KairosRuntime } from './kairos-runtime';

/** /v1/campaigns (reading, authoring and the send counts of outbound campaigns) and /v1/capacity over this process's campaign book and channel budget. */
@Module({
  imports: [
    CampaignsModule.forRootAsync({
      inject: [KairosRuntime],
      useFactory: async (runtime: KairosRuntime) => {
        const parts = await openCampaigns(runtime);
        // Authoring checks ids and channels against the base catalog; the served one holds the authored campaigns.
        return { catalog: parts.catalog.base, book: parts.book, lifecycle: campaignLifecycleOf(runtime), served: parts.served, sends: new CampaignSendRepository(runtime.database) };
      },
    }),
    CapacityModule.forRootAsync({ inject: [KairosRuntime], useFactory: async (runtime: KairosRuntime) => (await openCampaigns(runtime)).budget }),
  ],
})
export class CampaignsWiringModule {}
