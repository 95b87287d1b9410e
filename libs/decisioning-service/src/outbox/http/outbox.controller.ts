import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertCan, CurrentAbility, RequirePermission, subjectOf, type KairosAbility } from '@kairos/access';
import { KairosError } from '@kairos/contracts';
import { ActionOutboxRepository } from '@kairos/persistence';
import { outboxMessageOf, type OutboxMessage } from '../outbox-message';
import { outboxAckParamsSchema, outboxFeedQuerySchema, parseOutboxRequest } from './outbox-requests';

/** Nest token of the outbox repository the controller reads. */
export const OUTBOX_REPOSITORY = Symbol('OUTBOX_REPOSITORY');

/**
 * /v1/outbox: the channel feed of the embedded mode. A channel reads the actions decided for it, in feed order,
 * and may acknowledge each; a channel principal reads and acknowledges its own channel only (the instance check on
 * `channel`).
 */
@ApiTags('outbox')
@Controller('v1/outbox')
export class OutboxController {
  constructor(@Inject(OUTBOX_REPOSITORY) private readonly repository: ActionOutboxRepository) {}

  @Get()
  @RequirePermission('read', 'Outbox')
  @ApiOperation({ summary: "A channel's published actions after the cursor `after`, oldest first (?channel=&after=&limit=)" })
  async feed(@Query() query: unknown, @CurrentAbility() ability: KairosAbility): Promise<{ items: OutboxMessage[]; nextCursor: string | null }> {
    const { channel, after, limit } = parseOutboxRequest(outboxFeedQuerySchema, query);
    assertCan(ability, 'read', subjectOf('Outbox', { channel }));
    const rows = await this.repository.feed(channel, after, limit);
    const last = rows.at(-1);
    return { items: rows.map(outboxMessageOf), nextCursor: last ? String(last.publishedSeq) : null };
  }

  @Post(':decisionId/:actionId/ack')
  @HttpCode(200)
  @RequirePermission('update', 'Outbox')
  @ApiOperation({ summary: 'The channel has delivered the action: it is never published again (repeating the ack changes nothing)' })
  async ack(@Param() params: unknown, @CurrentAbility() ability: KairosAbility): Promise<OutboxMessage> {
    const { decisionId, actionId } = parseOutboxRequest(outboxAckParamsSchema, params);
    const row = await this.repository.find(decisionId, actionId);
    // Another channel's message answers like a missing one: its existence is not this caller's business.
    if (!row || !ability.can('update', subjectOf('Outbox', { channel: row.channel }))) throw new KairosError('NOT_FOUND', 'no such outbox message');
    const updated = (await this.repository.recordResponse(decisionId, actionId, 'delivered', Date.now())) ?? row;
    return outboxMessageOf(updated);
  }
}
