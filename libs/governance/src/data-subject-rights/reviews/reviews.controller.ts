import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAbility, CurrentPrincipal, RequirePermission, assertCan, filterPermitted, subjectOf, type KairosAbility, type Principal } from '@kairos/access';
import { parseIdParam } from '../export/path-id.param';
import { REVIEW_CASE_STATUSES, ReviewCaseDetail, ReviewCaseSummary } from './review-case';
import { openReviewRequestJsonSchema, parseOpenReviewRequest, parseReviewListQuery, parseReviewTransition, reviewTransitionJsonSchema } from './review-case-requests.schema';
import { ReviewCasePage, ReviewCaseService } from './review-case.service';

const SUBJECT = 'DataSubjectRequest';

/**
 * Art. 22 review cases. The guard checks the permission by type; every row read or changed is checked again as an
 * instance, so a conditional rule in the policy (e.g. a reviewer limited to some cases) holds on every path.
 */
@ApiTags('data-subject-rights')
@Controller('v1')
export class ReviewsController {
  constructor(private readonly reviews: ReviewCaseService) {}

  @Post('customers/:customerId/reviews')
  @HttpCode(201)
  @RequirePermission('create', SUBJECT)
  @ApiOperation({ summary: 'Open a human review of an automated decision (Art. 22(3) GDPR), with the person\'s statement; audited' })
  @ApiBody({ schema: openReviewRequestJsonSchema })
  @ApiResponse({ status: 201, description: 'The case, status open' })
  @ApiResponse({ status: 409, description: 'A review of this decision is already pending' })
  async open(@Param('customerId') customerId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ReviewCaseDetail> {
    const id = parseIdParam(customerId, 'customerId');
    const request = parseOpenReviewRequest(body);
    assertCan(ability, 'create', subjectOf(SUBJECT, { customerId: id }));
    return this.reviews.open(id, request, { principalId: principal.id, role: principal.role });
  }

  @Get('reviews')
  @RequirePermission('read', SUBJECT)
  @ApiOperation({ summary: 'The review queue, oldest first; filter by status, page with nextCursor' })
  @ApiQuery({ name: 'status', required: false, enum: REVIEW_CASE_STATUSES })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  async list(@Query() query: unknown, @CurrentAbility() ability: KairosAbility): Promise<ReviewCasePage> {
    const page = await this.reviews.list(parseReviewListQuery(query));
    // CASL cannot narrow the SQL query: every row is checked before it leaves.
    return { items: filterPermitted<ReviewCaseSummary>(ability, 'read', SUBJECT, page.items), nextCursor: page.nextCursor };
  }

  @Get('reviews/:caseId')
  @RequirePermission('read', SUBJECT)
  @ApiOperation({ summary: 'One review case with the person\'s statement and the reviewer\'s note' })
  get(@Param('caseId') caseId: string, @CurrentAbility() ability: KairosAbility): Promise<ReviewCaseDetail> {
    return this.reviews.get(parseIdParam(caseId, 'caseId'), (summary) => assertCan(ability, 'read', subjectOf(SUBJECT, summary)));
  }

  @Patch('reviews/:caseId')
  @RequirePermission('update', SUBJECT)
  @ApiOperation({ summary: 'Take a case into review, or decide it (upheld/overturned); the opener cannot decide; decisions are audited' })
  @ApiBody({ schema: reviewTransitionJsonSchema })
  @ApiResponse({ status: 403, description: 'Not permitted, or the reviewer opened this case' })
  @ApiResponse({ status: 409, description: 'Not allowed from the current status, or the case changed since the given version' })
  move(@Param('caseId') caseId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ReviewCaseDetail> {
    const id = parseIdParam(caseId, 'caseId');
    const transition = parseReviewTransition(body);
    return this.reviews.move(id, transition, { principalId: principal.id, role: principal.role }, (summary) => assertCan(ability, 'update', subjectOf(SUBJECT, summary)));
  }
}
