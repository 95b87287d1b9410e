import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import { OwnerBound } from '@kairos/cluster';
import { KairosError, identifierSchema } from '@kairos/contracts';
import type { ProfileView } from '@kairos/profile';
import { EventTrace, EventTraceService } from './event-trace.service';
import { ProfileQueryService } from './profile-query.service';

@ApiTags('customers')
@Controller('v1')
export class CustomerStateController {
  constructor(
    private readonly profiles: ProfileQueryService,
    private readonly traces: EventTraceService,
  ) {}

  @Get('customers/:customerId/profile')
  @RequirePermission('read', 'Profile')
  // Profiles live on the partition owner; another process forwards the request there.
  @OwnerBound({ param: 'customerId' })
  @ApiOperation({ summary: "A customer's attributes and feature values as of now (asOf)" })
  profile(@Param('customerId') customerId: string): ProfileView {
    return this.profiles.profile(validId(customerId, 'customerId'));
  }

  @Get('events/:eventId/trace')
  @RequirePermission('read', 'EventTrace')
  @ApiOperation({ summary: 'The stages an event passed: received, validated, stored at partition/offset, applied' })
  trace(@Param('eventId') eventId: string): Promise<EventTrace> {
    return this.traces.trace(validId(eventId, 'eventId'));
  }
}

function validId(value: string, field: string): string {
  const parsed = identifierSchema.safeParse(value);
  if (!parsed.success) {
    throw new KairosError('VALIDATION_FAILED', `${field} is not a valid identifier`, [{ path: field, rule: 'invalid_format', message: parsed.error.issues[0].message }]);
  }
  return parsed.data;
}
