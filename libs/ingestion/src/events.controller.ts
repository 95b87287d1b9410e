import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import { KairosError } from '@kairos/contracts';
import { IngestionResult } from './ingestion-result';
import { IngestionService } from './ingestion.service';
import { ingestionRequestJsonSchema, ingestionResultJsonSchema } from './ingestion-openapi';

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('create', 'Event')
  @ApiOperation({ summary: 'Send one event, or a batch as { "events": [...] } (at most 1,000 events / 1 MiB)' })
  @ApiBody({ schema: ingestionRequestJsonSchema })
  @ApiResponse({ status: 202, description: 'What became of every event; accepted ones are durable', schema: ingestionResultJsonSchema })
  @ApiResponse({ status: 400, description: 'No event of the request was acceptable; each rejection names field and rule' })
  @ApiResponse({ status: 413, description: 'More than 1,000 events or a body over 1 MiB' })
  async send(@Body() body: unknown): Promise<IngestionResult> {
    const batch = isBatch(body);
    if (!batch && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new KairosError('VALIDATION_FAILED', 'the body must be one event object or { "events": [...] }', [
        { path: '(root)', rule: 'invalid_type', message: 'expected an event object or { "events": [...] }' },
      ]);
    }
    const result = batch ? await this.ingestion.ingest(body.events, ['events']) : await this.ingestion.ingest([body], []);
    if (result.accepted + result.duplicates === 0 && result.rejected.length > 0) {
      // Nothing was usable: a client error, answered as such so that no caller mistakes it for acceptance.
      throw new KairosError('VALIDATION_FAILED', 'no event of the request was accepted', result.rejected.flatMap((r) => r.issues));
    }
    return result;
  }
}

function isBatch(body: unknown): body is { events: unknown[] } {
  if (body === null || typeof body !== 'object' || !('events' in body)) return false;
  const { events } = body as { events: unknown };
  if (!Array.isArray(events)) {
    throw new KairosError('VALIDATION_FAILED', 'events must be an array', [{ path: 'events', rule: 'invalid_type', message: 'expected array' }]);
  }
  const extra = Object.keys(body).filter((key) => key !== 'events');
  if (extra.length > 0) {
    throw new KairosError('VALIDATION_FAILED', 'a batch body has only the events field', [
      { path: '(root)', rule: 'unrecognized_keys', message: `unknown field(s): ${extra.join(', ')}` },
    ]);
  }
  if (events.length === 0) {
    throw new KairosError('VALIDATION_FAILED', 'events must not be empty', [{ path: 'events', rule: 'too_small', message: 'at least one event' }]);
  }
  return true;
}
