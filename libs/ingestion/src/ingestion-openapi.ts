import { z } from 'zod';
import { EVENT_TYPES, eventDataSchemas, eventEnvelopeSchema } from '@kairos/contracts';

/** OpenAPI schemas generated from the same zod schemas that validate requests, so docs and checks never drift. */
const eventJsonSchema = z.toJSONSchema(eventEnvelopeSchema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;

export const eventDataJsonSchemas = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, z.toJSONSchema(eventDataSchemas[type], { unrepresentable: 'any', io: 'input' })]),
);

export const ingestionRequestJsonSchema = {
  oneOf: [eventJsonSchema, { type: 'object', required: ['events'], properties: { events: { type: 'array', maxItems: 1000, items: eventJsonSchema } } }],
  description: `data is validated per type; see the event catalog: ${EVENT_TYPES.join(', ')}`,
} as Record<string, unknown>;

export const ingestionResultJsonSchema = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    parked: { type: 'integer' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
    },
  },
} as Record<string, unknown>;
