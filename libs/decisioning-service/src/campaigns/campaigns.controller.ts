import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import { KairosError, identifierSchema } from '@kairos/contracts';
import { CampaignDirectory, type AuthoredCampaignSummary } from './campaign-directory';
import type { CampaignSummary, CampaignView } from './campaign-view';
import { CampaignLifecycleService } from './lifecycle/campaign-lifecycle.service';

/** /v1/campaigns: the campaigns of the action catalog with their audience, bandit posteriors and uplift. */
@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(
    @Inject(CampaignDirectory) private readonly directory: CampaignDirectory,
    @Inject(CampaignLifecycleService) private readonly lifecycle: CampaignLifecycleService,
  ) {}

  @Get()
  @RequirePermission('read', 'Campaign')
  @ApiOperation({ summary: 'Campaigns of the catalog and authored ones (with version and lifecycle state) with their status (scheduled, running, full, ended), channels and audience so far' })
  async list(): Promise<{ items: (CampaignSummary | AuthoredCampaignSummary)[] }> {
    return { items: [...this.directory.list(), ...this.directory.authored(await this.lifecycle.newest())] };
  }

  @Get(':campaignId')
  @RequirePermission('read', 'Campaign')
  @ApiOperation({
    summary:
      'A campaign: definition summary, audience, per-variant Beta posterior (alpha, beta, mean, 95% credible interval, probability of being best), control-group conversion and uplift against control with a 95% interval',
  })
  get(@Param('campaignId') campaignId: string): CampaignView {
    return this.directory.get(parseCampaignId(campaignId));
  }
}

function parseCampaignId(value: string): string {
  const parsed = identifierSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new KairosError('VALIDATION_FAILED', 'the campaign id is invalid', [{ path: 'campaignId', rule: issue?.code ?? 'invalid_format', message: issue?.message ?? 'must be an identifier' }]);
}
