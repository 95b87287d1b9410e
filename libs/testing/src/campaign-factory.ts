import type { CampaignVersionRow } from '@kairos/persistence';

/**
 * An authored campaign definition, the `campaign` of `POST /v1/campaigns`: an outbound email campaign to customers
 * with a checking account, two approved retention variants, no control group, credited on a click of its own
 * action within 7 days. Every field can be overridden; `goal` follows `id` unless given.
 */
export function authoredCampaign(fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const id = typeof fields['id'] === 'string' ? fields['id'] : 'spring-savings-2027';
  return {
    id,
    description: 'Spring savings mail for customers with a checking account',
    channel: 'email',
    segment: 'holds_checking_account',
    variants: [
      { id: 'fee-waiver', contentRef: 'retention-fee-waiver' },
      { id: 'bonus-interest', contentRef: 'retention-bonus-interest' },
    ],
    controlShare: 0,
    goal: { event: { type: 'message_clicked', where: { actionId: id } }, within: '7d' },
    ...fields,
  };
}

/** A stored version of an authored campaign (a draft by `p-author` unless overridden), for repository tests. */
export function campaignVersionRow(campaignId: string, version: number, fields: Partial<CampaignVersionRow> = {}): CampaignVersionRow {
  return {
    campaignId,
    version,
    status: 'draft',
    definition: JSON.stringify(authoredCampaign({ id: campaignId })),
    authorId: 'p-author',
    lastEditorId: 'p-author',
    submittedBy: null,
    approvedBy: null,
    rowVersion: 0,
    createdAtMs: 1_000 * version,
    updatedAtMs: 1_000 * version,
    ...fields,
  };
}

/**
 * The events of a long-standing customer for campaign segments: registered 500 days ago and, with `checkingAccount`,
 * a checking account opened 200 days ago (`holds_checking_account`, the factory campaign's segment).
 */
export function campaignCustomerEvents(customerId: string, options: { readonly checkingAccount: boolean; readonly nowMs?: number }): Record<string, unknown>[] {
  const at = (daysAgo: number) => new Date((options.nowMs ?? Date.now()) - daysAgo * 86_400_000).toISOString();
  const registered = { id: `${customerId}-reg`, type: 'customer_registered', customerId, occurredAt: at(500), source: 'core-banking', data: { birthDate: '1985-05-05', country: 'DE', language: 'de' } };
  const account = { id: `${customerId}-ca`, type: 'product_opened', customerId, occurredAt: at(200), source: 'core-banking', data: { product: 'checking_account', productId: `ca-${customerId}` } };
  return options.checkingAccount ? [registered, account] : [registered];
}

/** The body of `PUT /v1/customers/{id}/consents` that opts a customer in to marketing on a channel (default email). */
export function marketingConsent(customerId: string, channel = 'email'): Record<string, unknown> {
  return { purpose: 'marketing', channel, status: 'given', method: 'web_form', capturedAt: new Date().toISOString(), noticeId: 'notice-1', noticeVersion: '1', evidenceRef: `ev-${customerId}` };
}
