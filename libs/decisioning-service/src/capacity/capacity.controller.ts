import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import { ChannelCapacity, type ChannelCapacityState } from './channel-capacity';

/** /v1/capacity: the channel circuit breakers of this process, and what each held back. */
@ApiTags('operations')
@Controller('v1/capacity')
export class CapacityController {
  constructor(@Inject(ChannelCapacity) private readonly capacity: ChannelCapacity) {}

  @Get()
  @RequirePermission('read', 'Metrics')
  @ApiOperation({
    summary: 'Channel circuit breakers of this process: state, capacity per window, use, queue, deferrals, drops by reason, decisions that skipped the channel, and the latest held-back actions',
  })
  states(): { channels: ChannelCapacityState[] } {
    return { channels: this.capacity.states() };
  }
}
