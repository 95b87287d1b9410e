import { DEFAULT_CONSENT_POLICY } from '@kairos/consent';
import { customerEventOf, type IncomingEvent } from '@kairos/contracts';
import { LiveActionCatalog, compileAuthoredCampaign, loadActionCatalogFile, type ActiveAuthoredCampaign, type ContactRecord, type ModelScore } from '@kairos/decisioning';
import { PartitionProfileStore, defaultFeatureRegistry } from '@kairos/profile';
import { authoredCampaign } from '@kairos/testing';
import { CampaignAudience } from './campaign-audience';

const T0 = Date.UTC(2026, 10, 24, 9);
const DAY = 86_400_000;
const registry = defaultFeatureRegistry();
const base = loadActionCatalogFile(undefined, { isFeature: (name) => registry.has(name) });

function campaign(fields: Record<string, unknown>): ActiveAuthoredCampaign {
  return { ...compileAuthoredCampaign(authoredCampaign({ id: 'aud-mail', ...fields }), { catalog: base, isFeature: (name) => registry.has(name) }), version: 1 };
}

/** Customers folded into one partition store: registered, optionally with a checking account, consent and objections. */
function storeOf(customers: Record<string, { account?: boolean; emailConsent?: boolean; objects?: 'profiling' | 'direct_marketing' }>): PartitionProfileStore {
  const store = new PartitionProfileStore({ partition: 0, registry });
  let offset = 0;
  const at = new Date(T0 - 100 * DAY).toISOString();
  for (const [customerId, c] of Object.entries(customers)) {
    const apply = (type: string, data: Record<string, unknown>) =>
      store.apply({ partition: 0, offset: offset++, event: customerEventOf({ id: `${customerId}-${offset}`, type, customerId, occurredAt: at, source: 'test', data } as unknown as IncomingEvent & { customerId: string }, T0, T0) });
    apply('customer_registered', { birthDate: '1980-05-05', country: 'DE', language: 'de' });
    if (c.account) apply('product_opened', { product: 'checking_account', productId: `acc-${customerId}` });
    if (c.emailConsent) apply('consent_changed', { purpose: 'marketing', channel: 'email', status: 'given', method: 'app', capturedAt: at, noticeId: 'n-1', noticeVersion: '1', evidenceRef: 'ev-1' });
    if (c.objects) apply('processing_objected', { scope: c.objects });
  }
  return store;
}

describe('who an outbound campaign goes to', () => {
  const store = storeOf({
    member: { account: true, emailConsent: true },
    outside: { emailConsent: true },
    silent: { account: true },
    objector: { account: true, emailConsent: true, objects: 'direct_marketing' },
    profiled: { account: true, emailConsent: true, objects: 'profiling' },
  });
  const contacts: ContactRecord[] = [{ kind: 'contact', actionId: 'other-mail', channel: 'email', atMs: T0 - 2 * DAY, campaignId: 'other-mail' } as ContactRecord];
  const scored: string[] = [];
  const audience = new CampaignAudience({
    registry,
    consentPolicy: DEFAULT_CONSENT_POLICY,
    catalog: new LiveActionCatalog(base),
    scores: {
      scoresFor: (customerId) => {
        scored.push(customerId);
        return { churn: { score: customerId === 'member' ? 0.2 : 0.9 } as ModelScore };
      },
    },
    contacts: { contactsOf: (customerId) => (customerId === 'member' ? contacts : []) },
  });
  const verdictOf = (customerId: string, c: ActiveAuthoredCampaign) => audience.verdict(store, customerId, c, T0);

  it('keeps the segment members with opt-in, and names the reason of everyone in the segment who may not be contacted', () => {
    const mail = campaign({});
    expect(Object.fromEntries(['member', 'outside', 'silent', 'objector', 'profiled', 'unknown'].map((id) => [id, verdictOf(id, mail)]))).toEqual({
      member: { kind: 'member' },
      outside: { kind: 'outside' },
      silent: { kind: 'excluded', reason: 'consent_missing:marketing:email' },
      objector: { kind: 'excluded', reason: 'objection:direct_marketing' },
      // Objected to profiling only: the segment reads no score, so nothing stops the mail.
      profiled: { kind: 'member' },
      unknown: { kind: 'outside' },
    });
    expect(scored).toEqual([]);
  });

  it('scores only for segments over scores, and excludes a customer who objected to profiling from them (Art. 21)', () => {
    const byScore = campaign({ segment: 'scores.churn < 0.5' });
    expect(verdictOf('member', byScore)).toEqual({ kind: 'member' });
    expect(verdictOf('silent', byScore)).toEqual({ kind: 'outside' });
    expect(verdictOf('profiled', byScore)).toEqual({ kind: 'excluded', reason: 'objection:profiling' });
    expect(scored).toEqual(['member', 'silent']);
  });

  it('excludes a customer another campaign contacted within the exclusion window, not after it', () => {
    expect(verdictOf('member', campaign({ excludeIfInOtherCampaignWithin: '7d' }))).toEqual({ kind: 'excluded', reason: 'campaign_exclusion:other-mail' });
    expect(verdictOf('member', campaign({ excludeIfInOtherCampaignWithin: '1d' }))).toEqual({ kind: 'member' });
  });
});
