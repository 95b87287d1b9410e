import { Body, Controller, Get, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequirePermission } from '@kairos/access';
import { OwnerBound } from '@kairos/cluster';
import type { Principal } from '@kairos/access';
import { ConsentChangeOutcome, ConsentLedgerService, ConsentOverview, ObjectionOutcome } from './consent-ledger.service';
import { parseConsentChanges, parseCustomerId, parseObjection } from './consent-requests.schema';

/**
 * Consents and Art. 21 objections of one customer. A write answers 200 once the owning worker applied it (the
 * very next decision obeys it) and 202 when it is recorded but not yet in force (log or worker slow; the outbox
 * publishes it).
 */
@ApiTags('consents')
@Controller('v1/customers/:customerId')
export class ConsentsController {
  constructor(@Inject(ConsentLedgerService) private readonly consents: ConsentLedgerService) {}

  @Put('consents')
  @RequirePermission('update', 'Consent')
  // Written by the partition owner, which can answer "in force" once its worker applied the change.
  @OwnerBound({ param: 'customerId' })
  @ApiOperation({ summary: 'Record one consent change, or { "changes": [...] }; the server assigns each consentId' })
  @ApiResponse({ status: 200, description: 'Recorded, audited and in force for the next decision' })
  @ApiResponse({ status: 202, description: 'Recorded; not yet in force' })
  @ApiResponse({ status: 400, description: 'A field broke a rule; the issue names field and rule' })
  async change(
    @Param('customerId') customerId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsentChangeOutcome> {
    const id = parseCustomerId(customerId);
    const outcome = await this.consents.recordChanges(id, parseConsentChanges(body), { id: principal.id, role: principal.role });
    void reply.status(outcome.inForce ? 200 : 202);
    return outcome;
  }

  @Get('consents')
  @RequirePermission('read', 'Consent')
  @ApiOperation({ summary: 'Consent in force per purpose and channel, objections, and the full history (also as ISO/IEC 27560 records)' })
  overview(@Param('customerId') customerId: string): Promise<ConsentOverview> {
    return this.consents.overview(parseCustomerId(customerId));
  }

  @Post('objections')
  @RequirePermission('update', 'Consent')
  @OwnerBound({ param: 'customerId' })
  @ApiOperation({ summary: 'Record an Art. 21 objection { scope: direct_marketing | profiling }; repeating it changes nothing' })
  @ApiResponse({ status: 200, description: 'In force (also when the customer had already objected)' })
  @ApiResponse({ status: 202, description: 'Recorded; not yet in force' })
  async object(
    @Param('customerId') customerId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ObjectionOutcome> {
    const id = parseCustomerId(customerId);
    const outcome = await this.consents.recordObjection(id, parseObjection(body), { id: principal.id, role: principal.role });
    void reply.status(outcome.inForce ? 200 : 202);
    return outcome;
  }
}
