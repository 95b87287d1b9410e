import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
import { ContentRefDirectory, type ContentRefView } from './content-ref-directory';
import { bindContentRefRequestSchema, contentRefSchema, parseContentRefRequest } from './content-ref-requests';

/** /v1/content-refs: which approved content draft serves each content reference of the action catalog. */
@ApiTags('content')
@Controller('v1/content-refs')
export class ContentRefsController {
  constructor(@Inject(ContentRefDirectory) private readonly directory: ContentRefDirectory) {}

  @Get()
  @RequirePermission('read', 'ContentDraft')
  @ApiOperation({ summary: 'Every content ref of the action catalog: its bound draft, the approved unexpired revision a decision would serve now (or null), and the actions and campaign variants using it' })
  async list(): Promise<{ items: ContentRefView[] }> {
    return { items: await this.directory.list() };
  }

  @Put(':ref')
  @RequirePermission('approve', 'ContentDraft')
  @ApiOperation({ summary: 'Bind a content ref to a draft with an approved, unexpired revision (content reviewers; audited). Optional version: the binding version last seen (0: unbound)' })
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['draftId'],
      properties: { draftId: { type: 'string', maxLength: 128 }, version: { type: 'integer', minimum: 0 } },
    },
  })
  bind(@Param('ref') ref: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ContentRefView> {
    return this.directory.bind(principal, parseContentRefRequest(contentRefSchema, ref, ['ref']), parseContentRefRequest(bindContentRefRequestSchema, body));
  }
}
