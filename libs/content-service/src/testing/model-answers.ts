import { contentBriefSchema, draftFromTemplates, promptInputSchema, type ChannelVariant, type ContentPolicy, type PromptInput } from '@kairos/content';
import type { CapturedChatRequest, FakeModel } from './fake-openai-server';

/** The prompt input a captured request carried; throws when it breaks the allowlist schema (L2). */
export function promptInputOf(request: CapturedChatRequest): PromptInput {
  return promptInputSchema.parse(JSON.parse(request.user));
}

/** The variants a well-behaved model would return for a prompt: the reviewed template copy for its fields. */
export function compliantVariants(input: PromptInput, policy: ContentPolicy): ChannelVariant[] {
  const brief = contentBriefSchema.parse({
    title: 'model',
    goal: 'model',
    audience: 'model',
    product: input.product,
    channels: input.channels,
    tone: input.tone,
    language: input.language,
    variantCount: input.variantKeys.length,
    ...(input.creditTerms ? { creditTerms: input.creditTerms } : {}),
  });
  return draftFromTemplates(brief, policy).variants;
}

export const answerOf = (variants: readonly ChannelVariant[]) => JSON.stringify({ variants });

/** A model that answers every prompt with compliant structured output. */
export function wellBehavedModel(policy: ContentPolicy): FakeModel {
  return (request) => ({ kind: 'answer', content: answerOf(compliantVariants(promptInputOf(request), policy)), chunkSize: 97 });
}

/** Personal data planted in profiles and contact records; none of it may ever appear in a prompt (L2, G8). */
export const CANARY_PII = {
  firstName: 'Canarya',
  lastName: 'Zwitscherberg-Q7',
  email: 'canary.q7@kairos-canary.example',
  phone: '+49 151 70000777',
  iban: 'DE02120300000000202051',
  birthDate: '1971-03-09',
  customerId: 'cust-canary-7q',
} as const;
