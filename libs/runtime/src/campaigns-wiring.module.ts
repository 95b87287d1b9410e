import { Module } from '@nestjs/common';
import { CampaignsModule, CapacityModule } from '@kairos/decisioning-service';
import { openCampaigns } from './campaigns-parts';
import { KairosRuntime } from './kairos-runtime';

/** /v1/campaigns and /v1/capacity over this process's campaign book and channel breakers. */
@Module({
  imports: [
    CampaignsModule.forRootAsync({
      inject: [KairosRuntime],
      useFactory: async (runtime: KairosRuntime) => {
        const parts = await openCampaigns(runtime);
        return { catalog: parts.catalog, book: parts.book };
      },
    }),
    CapacityModule.forRootAsync({ inject: [KairosRuntime], useFactory: async (runtime: KairosRuntime) => (await openCampaigns(runtime)).breakers }),
  ],
})
export class CampaignsWiringModule {}
