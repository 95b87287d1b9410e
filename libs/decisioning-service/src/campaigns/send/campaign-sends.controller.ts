import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import type { CampaignSendCounts, CampaignSendRepository } from '@kairos/persistence';
import { CampaignLifecycleService } from '../lifecycle/campaign-lifecycle.service';
import { campaignIdSchema, parseCampaignRequest } from '../lifecycle/campaign-lifecycle-requests';

/** Where the sends route reads its counts: the campaign send ledger. */
export const CAMPAIGN_SEND_COUNTS = Symbol('CAMPAIGN_SEND_COUNTS');
export type CampaignSendCountSource = Pick<CampaignSendRepository, 'countsOf'>;

/** GET /v1/campaigns/{id}/sends: what the send job did for an outbound campaign, over every process. */
@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignSendsController {
  constructor(
    @Inject(CampaignLifecycleService) private readonly lifecycle: CampaignLifecycleService,
    @Inject(CAMPAIGN_SEND_COUNTS) private readonly counts: CampaignSendCountSource,
  ) {}

  @Get(':campaignId/sends')
  @RequirePermission('read', 'Campaign')
  @ApiOperation({
    summary:
      'Sends of an outbound campaign per version, over the whole cluster: customers sent, held out as control group, pending, excluded by reason (consent_missing:…, objection:profiling, cap:…, capacity:…, campaign_exclusion:…, campaign_full:max_audience) and audience slots claimed',
  })
  async sends(@Param('campaignId') campaignId: string): Promise<{ campaignId: string; items: CampaignSendCounts[] }> {
    const id = parseCampaignRequest(campaignIdSchema, campaignId, ['campaignId']);
    // 404 for a campaign nobody authored (catalog campaigns are served on request, never sent by the job).
    await this.lifecycle.versions(id);
    return { campaignId: id, items: await this.counts.countsOf(id) };
  }
}
