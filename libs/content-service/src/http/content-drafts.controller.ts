import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAbility, CurrentPrincipal, RequirePermission, type KairosAbility, type Principal } from '@kairos/access';
import { ContentDraftingService } from '../drafting/content-drafting.service';
import { ContentReviewService } from '../review/content-review.service';
import type { ContentDraftView, ContentQueueItem } from '../review/content-draft-view';
import {
  approveDraftRequestSchema,
  createDraftRequestSchema,
  draftIdSchema,
  draftViewQuerySchema,
  editDraftRequestSchema,
  parseRequest,
  queueQuerySchema,
  reviewReasonRequestSchema,
  submitDraftRequestSchema,
} from './content-draft-requests';
import { CONTENT_OPENAPI } from './content-drafts-openapi';
import { toHttpFailure } from './drafting-failure';

/**
 * /v1/content-drafts: briefs and drafts, the review queue and the review transitions. The guard checks the
 * permission's type; the services check every instance (four eyes are conditions on the draft row).
 */
@ApiTags('content')
@Controller('v1/content-drafts')
export class ContentDraftsController {
  constructor(
    @Inject(ContentDraftingService) private readonly drafting: ContentDraftingService,
    @Inject(ContentReviewService) private readonly review: ContentReviewService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('create', 'ContentDraft')
  @ApiOperation({ summary: 'Brief the drafter and store the draft it returns, with guardrail findings (nothing is stored if drafting fails)' })
  @ApiBody({ schema: CONTENT_OPENAPI.create })
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    const request = parseRequest(createDraftRequestSchema, body);
    try {
      return await this.drafting.create({ principal, ability }, request);
    } catch (error) {
      throw toHttpFailure(error);
    }
  }

  @Get()
  @RequirePermission('read', 'ContentDraft')
  @ApiOperation({ summary: 'The review queue, newest first; filters: status, channel, language, authorId, campaignId, customerId, hasBlockingFindings, limit, before' })
  queue(@Query() query: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<{ items: ContentQueueItem[]; nextCursor: string | null }> {
    return this.review.queue({ principal, ability }, parseRequest(queueQuerySchema, query));
  }

  @Get(':draftId')
  @RequirePermission('read', 'ContentDraft')
  @ApiOperation({ summary: 'A draft with its findings, the diff to the previous revision (or ?diffFrom=n), the brief, and the model and prompt version that drafted it' })
  get(@Param('draftId') draftId: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    const { diffFrom } = parseRequest(draftViewQuerySchema, query);
    return this.review.get({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), diffFrom);
  }

  @Patch(':draftId')
  @RequirePermission('update', 'ContentDraft')
  @ApiOperation({ summary: 'Edit: a new revision (needs a new submission and approval)' })
  @ApiBody({ schema: CONTENT_OPENAPI.edit })
  edit(@Param('draftId') draftId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    return this.review.edit({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), parseRequest(editDraftRequestSchema, body));
  }

  @Post(':draftId/submit')
  @HttpCode(200)
  @RequirePermission('update', 'ContentDraft')
  @ApiOperation({ summary: 'Ask for review of the head revision (refused while blocking findings stand)' })
  @ApiBody({ schema: CONTENT_OPENAPI.submit })
  submit(@Param('draftId') draftId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    return this.review.submit({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), parseRequest(submitDraftRequestSchema, body));
  }

  @Post(':draftId/approve')
  @HttpCode(200)
  @RequirePermission('approve', 'ContentDraft')
  @ApiOperation({ summary: 'Approve the exact revision named by its content hash (four eyes: not its author, requester or last editor)' })
  @ApiBody({ schema: CONTENT_OPENAPI.approve })
  approve(@Param('draftId') draftId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    return this.review.approve({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), parseRequest(approveDraftRequestSchema, body));
  }

  @Post(':draftId/request-changes')
  @HttpCode(200)
  @RequirePermission('reject', 'ContentDraft')
  @ApiOperation({ summary: 'Send the draft back to its author with a reason' })
  @ApiBody({ schema: CONTENT_OPENAPI.reason })
  requestChanges(@Param('draftId') draftId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    return this.review.requestChanges({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), parseRequest(reviewReasonRequestSchema, body));
  }

  @Post(':draftId/reject')
  @HttpCode(200)
  @RequirePermission('reject', 'ContentDraft')
  @ApiOperation({ summary: 'Reject the draft for good, with a reason' })
  @ApiBody({ schema: CONTENT_OPENAPI.reason })
  reject(@Param('draftId') draftId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    return this.review.reject({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), parseRequest(reviewReasonRequestSchema, body));
  }

  @Post(':draftId/retire')
  @HttpCode(200)
  @RequirePermission('update', 'ContentDraft')
  @ApiOperation({ summary: 'Withdraw approved content from use, with a reason' })
  @ApiBody({ schema: CONTENT_OPENAPI.reason })
  retire(@Param('draftId') draftId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentAbility() ability: KairosAbility): Promise<ContentDraftView> {
    return this.review.retire({ principal, ability }, parseRequest(draftIdSchema, draftId, ['draftId']), parseRequest(reviewReasonRequestSchema, body));
  }
}
