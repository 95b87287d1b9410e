import { checkContent, headRevision, screenBriefForInstructions, type ContentBrief, type ContentDraftState, type ContentPolicy, type DraftContent, type Finding } from '@kairos/content';

export interface FindingsInput {
  readonly brief: ContentBrief;
  readonly content: DraftContent;
  readonly aiGenerated: boolean;
  readonly promptCanary: string | null;
}

/** Brief screening plus output guardrails: what every draft, edit, submission and approval is checked against. */
export function findingsFor(input: FindingsInput, policy: ContentPolicy): Finding[] {
  return [
    ...screenBriefForInstructions(input.brief, policy),
    ...checkContent(
      input.content,
      {
        language: input.content.language,
        product: input.brief.product,
        aiGenerated: input.aiGenerated,
        mandatoryElements: input.brief.mandatoryElements,
        ...(input.promptCanary === null ? {} : { promptCanary: input.promptCanary }),
      },
      policy,
    ),
  ];
}

/** The head revision re-checked under the policy in force now (policies change; approvals must see the current one). */
export function headFindings(state: ContentDraftState, policy: ContentPolicy): Finding[] {
  return findingsFor({ brief: state.brief!, content: headRevision(state).content, aiGenerated: state.aiGenerated, promptCanary: state.promptCanary }, policy);
}
