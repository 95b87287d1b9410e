import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
import { CustomerScoringService, type CustomerScores } from '../serving/customer-scoring.service';
import { parseRequest, scoreRequestSchema } from './scoring-requests';

/** /v1/score: one customer's scores with reasons, from the live profile on the owning worker. */
@ApiTags('models')
@Controller('v1/score')
export class ScoreController {
  constructor(@Inject(CustomerScoringService) private readonly scoring: CustomerScoringService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('read', 'Model')
  @ApiOperation({ summary: 'Score a customer with the serving version of each model (all by default), with reason codes; refused with the reason after an objection to profiling' })
  score(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CustomerScores> {
    return this.scoring.score(principal, parseRequest(scoreRequestSchema, body));
  }
}
