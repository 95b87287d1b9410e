import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
// The campaigns' request parsing and `{ reason? }` body serve every authoring lifecycle of this service.
import { campaignTransitionRequestSchema as transitionRequestSchema, parseCampaignRequest as parseRequest } from '../../campaigns/lifecycle/campaign-lifecycle-requests';
import { TriggerSetLifecycleService, type ServedTriggerSetView, type TriggerSetVersionView } from './trigger-set-lifecycle.service';
import { triggerSetVersionSchema, triggerSetWriteRequestSchema } from './trigger-set-requests';

/**
 * Trigger-set authoring: draft → review → approved (four eyes) → deployed → retired, with one-call rollback. The
 * guard checks the role's permission (rule modelers author; channels have no access); the lifecycle checks four eyes.
 */
@ApiTags('trigger-sets')
@Controller('v1/trigger-sets')
export class TriggerSetLifecycleController {
  constructor(@Inject(TriggerSetLifecycleService) private readonly lifecycle: TriggerSetLifecycleService) {}

  @Get()
  @RequirePermission('read', 'Trigger')
  @ApiOperation({ summary: 'Every version of the trigger set, newest first, with status, author, last editor, submitter, approver and deployer' })
  versions(): Promise<{ items: TriggerSetVersionView[] }> {
    return this.lifecycle.versions();
  }

  @Get('deployed')
  @RequirePermission('read', 'Trigger')
  @ApiOperation({ summary: 'The trigger set this process runs: a deployed version, or the seed document when none is deployed' })
  deployed(): ServedTriggerSetView {
    return this.lifecycle.deployed();
  }

  @Get(':version')
  @RequirePermission('read', 'Trigger')
  @ApiOperation({ summary: 'One version of the trigger set with its document' })
  get(@Param('version') version: string): Promise<TriggerSetVersionView> {
    return this.lifecycle.get(versionOf(version));
  }

  @Post()
  @HttpCode(201)
  @RequirePermission('create', 'Trigger')
  @ApiOperation({ summary: 'A new draft version of the trigger set (`{ document: { version, triggers }, reason? }`), checked against the feature registry and the action catalog; 409 while another version is under way' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TriggerSetVersionView> {
    return this.lifecycle.create(principal, parseRequest(triggerSetWriteRequestSchema, body));
  }

  @Put(':version')
  @RequirePermission('update', 'Trigger')
  @ApiOperation({ summary: 'Edit a draft (a version in review goes back to draft)' })
  edit(@Param('version') version: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TriggerSetVersionView> {
    return this.lifecycle.edit(principal, versionOf(version), parseRequest(triggerSetWriteRequestSchema, body));
  }

  @Post(':version/submit')
  @HttpCode(200)
  @RequirePermission('update', 'Trigger')
  @ApiOperation({ summary: 'Ask for review (400 naming the field while the document is invalid)' })
  submit(@Param('version') version: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TriggerSetVersionView> {
    return this.lifecycle.submit(principal, versionOf(version), parseRequest(transitionRequestSchema, body));
  }

  @Post(':version/approve')
  @HttpCode(200)
  @RequirePermission('deploy', 'Trigger')
  @ApiOperation({ summary: 'Four eyes: approve a version in review (never its author or last editor)' })
  approve(@Param('version') version: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TriggerSetVersionView> {
    return this.lifecycle.approve(principal, versionOf(version), parseRequest(transitionRequestSchema, body));
  }

  @Post(':version/deploy')
  @HttpCode(200)
  @RequirePermission('deploy', 'Trigger')
  @ApiOperation({ summary: 'Deploy an approved version: every worker switches between batches without a restart; the version deployed before retires' })
  deploy(@Param('version') version: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TriggerSetVersionView> {
    return this.lifecycle.deploy(principal, versionOf(version), parseRequest(transitionRequestSchema, body));
  }

  @Post(':version/retire')
  @HttpCode(200)
  @RequirePermission('deploy', 'Trigger')
  @ApiOperation({ summary: 'Retire a version that is not deployed (a draft, or one in review or approved)' })
  retire(@Param('version') version: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<TriggerSetVersionView> {
    return this.lifecycle.retire(principal, versionOf(version), parseRequest(transitionRequestSchema, body));
  }

  @Post('rollback')
  @HttpCode(200)
  @RequirePermission('deploy', 'Trigger')
  @ApiOperation({ summary: 'One call: retire the deployed version; the version deployed before it (or the seed document) runs again' })
  rollback(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ServedTriggerSetView> {
    return this.lifecycle.rollback(principal, parseRequest(transitionRequestSchema, body));
  }
}

function versionOf(value: string): number {
  return parseRequest(triggerSetVersionSchema, value, ['version']);
}
