import { z } from 'zod';
import { contentBriefSchema } from '@kairos/content';
import { approveDraftRequestSchema, editDraftRequestSchema, reviewReasonRequestSchema, submitDraftRequestSchema } from './content-draft-requests';

/** OpenAPI body schemas generated from the same zod schemas that validate the requests. */
function openApi(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export const CONTENT_OPENAPI = {
  create: {
    type: 'object',
    additionalProperties: false,
    required: ['brief'],
    properties: { brief: openApi(contentBriefSchema), drafter: { type: 'string', enum: ['auto', 'template', 'llm'], default: 'auto' } },
  },
  edit: openApi(editDraftRequestSchema),
  submit: openApi(submitDraftRequestSchema),
  approve: openApi(approveDraftRequestSchema),
  reason: openApi(reviewReasonRequestSchema),
};
