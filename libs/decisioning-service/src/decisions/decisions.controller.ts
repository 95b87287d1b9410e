import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAbility, CurrentPrincipal, RequirePermission, assertCan, subjectOf, type KairosAbility, type Principal } from '@kairos/access';
import { decisionRequestJsonSchema, forwardedHops, parseDecisionExplanationQuery, parseDecisionId, parseDecisionRequest } from './decision-request.schema';
import { decisionResponseJsonSchema } from './decision-response';
import type { DecisionRecord } from './decision-service-ports';
import { DecisionService } from './decision.service';

export const FORWARDED_HEADER = 'x-kairos-forwarded';

/** The decision API: channels ask for the next best action; the DPO reads why a decision came out as it did. */
@ApiTags('decisions')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(@Inject(DecisionService) private readonly decisions: DecisionService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('create', 'Decision')
  @ApiOperation({ summary: 'The next best actions for a customer on the asking channel, with every priority factor and the suppressed actions with reasons; audited before it is answered' })
  @ApiBody({ schema: decisionRequestJsonSchema })
  @ApiResponse({ status: 200, description: 'The decision', schema: decisionResponseJsonSchema })
  @ApiResponse({ status: 400, description: 'The request broke a rule; each issue names field and rule' })
  @ApiResponse({ status: 403, description: 'A channel key asked for another channel' })
  @ApiResponse({ status: 410, description: 'The customer was erased' })
  @ApiResponse({ status: 503, description: 'Not the partition owner, state still catching up, or the audit log unavailable (Retry-After)' })
  async decide(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @CurrentPrincipal() principal: Principal,
    @CurrentAbility() ability: KairosAbility,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseDecisionRequest(body);
    // The guard checked "create Decision" by type; the channel condition needs the instance.
    assertCan(ability, 'create', subjectOf('Decision', { channel: request.channel, customerId: request.customerId }));
    const answer = await this.decisions.decideForRequest(request, {
      principalId: principal.id,
      role: principal.role,
      authorization: String(headers['authorization'] ?? ''),
      hops: forwardedHops(headers[FORWARDED_HEADER]),
    });
    if (answer.kind === 'decided') return answer.response;
    reply.status(answer.answer.status);
    for (const [name, value] of Object.entries(answer.answer.headers)) if (/^(retry-after|content-type)$/i.test(name)) reply.header(name, value);
    return answer.answer.body;
  }

  @Get(':id')
  @RequirePermission('read', 'Decision')
  @ApiOperation({ summary: 'The full audit record of a decision (inputs, rule and model versions, consent offset, suppression reasons, counterfactuals) and its explanation in German or English; data-protection officers only' })
  @ApiQuery({ name: 'lang', required: false, enum: ['de', 'en'] })
  @ApiResponse({ status: 404, description: 'No decision with this id' })
  explain(@Param('id') id: string, @Query() query: unknown): Promise<DecisionRecord> {
    const decisionId = parseDecisionId(id);
    return this.decisions.explain(decisionId, parseDecisionExplanationQuery(query));
  }
}
