import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAbility, CurrentPrincipal, RequirePermission, type KairosAbility, type Principal } from '@kairos/access';
import { RuleSetLifecycleService } from '../lifecycle/rule-set-lifecycle.service';
import type { RuleSetSummary, RuleSetView } from '../lifecycle/rule-set-view';
import { RuleSetSimulationService, type RuleSetSimulationAnswer } from '../simulation/rule-set-simulation.service';
import {
  createRuleSetRequestSchema,
  editRuleSetRequestSchema,
  listQuerySchema,
  parseRequest,
  ruleSetIdSchema,
  simulateRuleSetRequestSchema,
  transitionRequestSchema,
  versionQuerySchema,
} from './rule-set-requests';

type Transition = 'submit' | 'approve' | 'deploy' | 'retire' | 'rollback';

/**
 * /v1/rule-sets: DMN rule sets through draft → review → approved → deployed → retired. The guard checks the
 * permission's type; the lifecycle service checks the instance (four eyes need the row).
 */
@ApiTags('rule-sets')
@Controller('v1/rule-sets')
export class RuleSetsController {
  constructor(
    @Inject(RuleSetLifecycleService) private readonly lifecycle: RuleSetLifecycleService,
    @Inject(RuleSetSimulationService) private readonly simulation: RuleSetSimulationService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('create', 'RuleSet')
  @ApiOperation({ summary: 'Upload DMN 1.3 XML (Camunda/bpmn.io tables as they are) with test cases: a new draft version' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.lifecycle.create({ principal, ability }, parseRequest(createRuleSetRequestSchema, body));
  }

  @Get()
  @RequirePermission('read', 'RuleSet')
  @ApiOperation({ summary: 'Rule sets by id with latest and deployed version; ?limit, ?after' })
  list(@Query() query: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<{ items: RuleSetSummary[]; nextCursor: string | null }> {
    const { limit, after } = parseRequest(listQuerySchema, query);
    return this.lifecycle.list({ principal, ability }, limit, after);
  }

  @Get(':id')
  @RequirePermission('read', 'RuleSet')
  @ApiOperation({ summary: 'A version (?version, default the latest) with findings, test results and its history' })
  get(@Param('id') id: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.lifecycle.get({ principal, ability }, parseRequest(ruleSetIdSchema, id, ['id']), parseRequest(versionQuerySchema, query).version);
  }

  @Get(':id/export')
  @Header('content-type', 'application/xml; charset=utf-8')
  @RequirePermission('read', 'RuleSet')
  @ApiOperation({ summary: 'DMN 1.3 XML of a version (?version), readable by Camunda and bpmn.io modelers' })
  export(@Param('id') id: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<string> {
    return this.lifecycle.exportXml({ principal, ability }, parseRequest(ruleSetIdSchema, id, ['id']), parseRequest(versionQuerySchema, query).version);
  }

  @Put(':id')
  @RequirePermission('update', 'RuleSet')
  @ApiOperation({ summary: 'Edit a draft version (its author only)' })
  edit(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.lifecycle.edit({ principal, ability }, parseRequest(ruleSetIdSchema, id, ['id']), parseRequest(editRuleSetRequestSchema, body));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @RequirePermission('update', 'RuleSet')
  @ApiOperation({ summary: 'Ask for review (refused with 400 while the rule set has errors)' })
  submit(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.transition('submit', id, body, principal, ability);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @RequirePermission('deploy', 'RuleSet')
  @ApiOperation({ summary: 'Four eyes: approve a version in review (never its author or submitter)' })
  approve(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.transition('approve', id, body, principal, ability);
  }

  @Post(':id/deploy')
  @HttpCode(200)
  @RequirePermission('deploy', 'RuleSet')
  @ApiOperation({ summary: 'Deploy an approved version: validated, every test case must pass (else 422), live without restart' })
  deploy(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.transition('deploy', id, body, principal, ability);
  }

  @Post(':id/retire')
  @HttpCode(200)
  @RequirePermission('deploy', 'RuleSet')
  @ApiOperation({ summary: 'Retire the deployed version (or ?version): it stops serving' })
  retire(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.transition('retire', id, body, principal, ability);
  }

  @Post(':id/rollback')
  @HttpCode(200)
  @RequirePermission('deploy', 'RuleSet')
  @ApiOperation({ summary: 'One call: retire the deployed version and redeploy the one before it' })
  rollback(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetView> {
    return this.transition('rollback', id, body, principal, ability);
  }

  @Post(':id/simulate')
  @HttpCode(200)
  @RequirePermission('read', 'RuleSet')
  @ApiOperation({ summary: 'Run a version over stored history, current profiles or a simulated population: counts per day, channel and outcome' })
  simulate(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<RuleSetSimulationAnswer> {
    return this.simulation.simulate({ principal, ability }, parseRequest(ruleSetIdSchema, id, ['id']), parseRequest(simulateRuleSetRequestSchema, body));
  }

  private transition(kind: Transition, id: string, body: unknown, principal: Principal, ability: KairosAbility): Promise<RuleSetView> {
    const ruleSetId = parseRequest(ruleSetIdSchema, id, ['id']);
    const command = parseRequest(transitionRequestSchema, body);
    return this.lifecycle[kind]({ principal, ability }, ruleSetId, command);
  }
}
