import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import { CAPACITY_STATES, type CapacityStates, type ChannelCapacityState } from './capacity-states';

/** /v1/capacity: the channel capacity (cluster-wide budget or this process's breakers), and what it held back. */
@ApiTags('operations')
@Controller('v1/capacity')
export class CapacityController {
  constructor(@Inject(CAPACITY_STATES) private readonly capacity: CapacityStates) {}

  @Get()
  @RequirePermission('read', 'Metrics')
  @ApiOperation({
    summary: 'Channel capacity: breaker state, capacity per window, use (cluster-wide when shared), actions held back here, deferrals, drops by reason, decisions that skipped the channel, and the latest held-back actions',
  })
  states(): { channels: readonly ChannelCapacityState[] } {
    return { channels: this.capacity.states() };
  }
}
