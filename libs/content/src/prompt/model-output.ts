import { z } from 'zod';
import type { ContentBrief } from '../brief/content-brief.schema';
import { channelVariantSchema, draftContentSchema, sortVariants, type DraftContent } from '../draft/draft-content.schema';
import { DraftingError } from '../drafting/content-drafter';
import { VARIANT_KEYS } from '../vocabulary/content-vocabulary';

const modelOutputSchema = z.strictObject({ variants: z.array(channelVariantSchema).min(1).max(15) });

/**
 * Turns a model's answer into draft content, or refuses it as malformed: not JSON, not the schema, or not exactly
 * one variant per requested channel and key. Nothing partial passes: a missing variant fails the whole answer.
 */
export function parseModelOutput(text: string, brief: ContentBrief): DraftContent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DraftingError('malformed_output', 'the model answer is not JSON');
  }
  const parsed = modelOutputSchema.safeParse(json);
  if (!parsed.success) throw new DraftingError('malformed_output', 'the model answer does not match the output schema');
  const expected = new Set(brief.channels.flatMap((channel) => VARIANT_KEYS.slice(0, brief.variantCount).map((key) => `${channel}/${key}`)));
  const got = parsed.data.variants.map((variant) => `${variant.channel}/${variant.variantKey}`);
  if (got.length !== expected.size || got.some((key) => !expected.has(key)) || new Set(got).size !== got.length) {
    throw new DraftingError('malformed_output', 'the model answer does not hold exactly the requested variants');
  }
  const content = draftContentSchema.safeParse({ language: brief.language, variants: parsed.data.variants });
  if (!content.success) throw new DraftingError('malformed_output', 'the model answer does not form valid content');
  return sortVariants(content.data);
}
