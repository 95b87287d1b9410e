import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
import { CampaignLifecycleService, type CampaignVersionView } from './campaign-lifecycle.service';
import { CampaignSimulationService, simulateCampaignRequestSchema, type CampaignSimulationAnswer } from './campaign-simulation.service';
import { campaignIdSchema, campaignTransitionRequestSchema, campaignWriteRequestSchema, parseCampaignRequest } from './campaign-lifecycle-requests';

/**
 * Campaign authoring: draft → review → active (four eyes) → retired. The guard checks the role's permission; the
 * lifecycle checks the instance (four eyes need the version's author and last editor).
 */
@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignLifecycleController {
  constructor(
    @Inject(CampaignLifecycleService) private readonly lifecycle: CampaignLifecycleService,
    @Inject(CampaignSimulationService) private readonly simulation: CampaignSimulationService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('create', 'Campaign')
  @ApiOperation({ summary: 'A new campaign as draft version 1: segment over features and scores, exclusions, goal and attribution window, channel, audience cap, start/end, approved content variants, control share' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CampaignVersionView> {
    return this.lifecycle.create(principal, parseCampaignRequest(campaignWriteRequestSchema, body));
  }

  @Put(':campaignId')
  @RequirePermission('update', 'Campaign')
  @ApiOperation({ summary: 'Edit the open draft (a version in review goes back to draft); an active or retired campaign gets a new draft version' })
  edit(@Param('campaignId') campaignId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CampaignVersionView> {
    return this.lifecycle.edit(principal, idOf(campaignId), parseCampaignRequest(campaignWriteRequestSchema, body));
  }

  @Post(':campaignId/submit')
  @HttpCode(200)
  @RequirePermission('update', 'Campaign')
  @ApiOperation({ summary: 'Ask for review of the draft' })
  submit(@Param('campaignId') campaignId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CampaignVersionView> {
    return this.lifecycle.submit(principal, idOf(campaignId), parseCampaignRequest(campaignTransitionRequestSchema, body));
  }

  @Post(':campaignId/approve')
  @HttpCode(200)
  @RequirePermission('approve', 'Campaign')
  @ApiOperation({ summary: 'Four eyes: activate the version in review (never by its author or last editor); the previously active version retires' })
  approve(@Param('campaignId') campaignId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CampaignVersionView> {
    return this.lifecycle.approve(principal, idOf(campaignId), parseCampaignRequest(campaignTransitionRequestSchema, body));
  }

  @Post(':campaignId/retire')
  @HttpCode(200)
  @RequirePermission('deploy', 'Campaign')
  @ApiOperation({ summary: 'Retire the active version: the campaign stops' })
  retire(@Param('campaignId') campaignId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CampaignVersionView> {
    return this.lifecycle.retire(principal, idOf(campaignId), parseCampaignRequest(campaignTransitionRequestSchema, body));
  }

  @Post(':campaignId/simulate')
  @HttpCode(200)
  @RequirePermission('read', 'Campaign')
  @ApiOperation({ summary: 'Run a version (default the latest, e.g. a draft) over stored history, current profiles or a simulated population: customers it would reach per day on its channel, contacted and control — counts only' })
  simulate(@Param('campaignId') campaignId: string, @Body() body: unknown): Promise<CampaignSimulationAnswer> {
    return this.simulation.simulate(idOf(campaignId), parseCampaignRequest(simulateCampaignRequestSchema, body));
  }

  @Get(':campaignId/versions')
  @RequirePermission('read', 'Campaign')
  @ApiOperation({ summary: 'Every version of an authored campaign, newest first, with status, author, last editor, submitter and approver' })
  versions(@Param('campaignId') campaignId: string): Promise<{ items: CampaignVersionView[] }> {
    return this.lifecycle.versions(idOf(campaignId));
  }
}

function idOf(value: string): string {
  return parseCampaignRequest(campaignIdSchema, value, ['campaignId']);
}
