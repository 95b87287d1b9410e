import { ContentDraftRepository } from '@kairos/persistence';
import type { DataSource } from 'typeorm';
import type { AiPersonalizationConsent, ContentPolicy } from '@kairos/content';
import type { ContentDrafters, ContentServiceOptions } from '../content-options';
import { createContentServices } from '../content.module';
import { createContentDrafters, type DrafterSettings } from '../drafting/content-drafters';
import { loadContentPolicyFile } from '../policy/content-policy-file';
import { InMemoryAuditTrail } from './in-memory-audit-trail';

/** A settable clock for expiry tests. */
export class TestClock {
  constructor(public nowMs = Date.parse('2026-11-23T09:00:00Z')) {}
  readonly now = () => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export interface ContentHarness {
  readonly repository: ContentDraftRepository;
  readonly policy: ContentPolicy;
  readonly audit: InMemoryAuditTrail;
  readonly clock: TestClock;
  readonly drafters: ContentDrafters;
  readonly services: ReturnType<typeof createContentServices>;
  readonly options: ContentServiceOptions;
}

/** Content services over a real database, with fast retries and an in-memory audit trail. */
export function contentHarness(
  dataSource: DataSource,
  settings: Partial<DrafterSettings> & { consent?: AiPersonalizationConsent; policy?: ContentPolicy } = {},
): ContentHarness {
  const repository = new ContentDraftRepository(dataSource);
  const policy = settings.policy ?? loadContentPolicyFile();
  const audit = new InMemoryAuditTrail();
  const clock = new TestClock();
  const drafters = createContentDrafters({
    llmModel: 'fake-model',
    llmTimeoutMs: 2_000,
    stallTimeoutMs: 300,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 4 },
    ...settings,
  });
  const options: ContentServiceOptions = { repository, policy, drafters, audit, clock: clock.now, ...(settings.consent ? { consent: settings.consent } : {}) };
  return { repository, policy, audit, clock, drafters, services: createContentServices(options), options };
}
