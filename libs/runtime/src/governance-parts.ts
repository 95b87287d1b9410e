import type { AuditTrail } from '@kairos/audit';
import { KairosConfig } from '@kairos/config';
import { PurposeRegistry, loadPurposeRegistryFile } from '@kairos/consent';
import { PartitionWorker, ProfileQueryService } from '@kairos/customer-state';
import type { EventLog } from '@kairos/event-log';
import {
  ConsentDataSource,
  ConsentGate,
  ConsentLedgerService,
  CustomerDataExportService,
  CustomerErasureService,
  EventDataSource,
  PartitionWorkerAppliedOffsets,
  PartitionWorkerConsentStates,
  ProfileDataSource,
  RetentionJob,
  ReviewCaseDataSource,
  ReviewCaseService,
  kairosRetentionTargets,
  loadRetentionPolicyFile,
  type CustomerDataSource,
} from '@kairos/governance';
import type { Logger } from '@kairos/observability';
import {
  ConsentLedgerRepository,
  ContentDraftRepository,
  RetentionSweepRepository,
  ReviewCaseRepository,
  SnapshotRetentionRepository,
  TriggerTraceRepository,
} from '@kairos/persistence';
import type { DataSource } from 'typeorm';
import type { PrivacyParts } from './privacy-parts';

/** Consent, data-subject rights and retention, built over the process's log, worker, audit trail and keyring. */
export interface GovernanceParts {
  readonly purposes: PurposeRegistry;
  readonly consents: ConsentLedgerService;
  /** The one consent check decisioning, scoring and content make (`may`); denials are audited. */
  readonly consentGate: ConsentGate;
  readonly erasure: CustomerErasureService;
  readonly exports: CustomerDataExportService;
  readonly reviews: ReviewCaseService;
  readonly retention: RetentionJob;
  /** Further sources of the access export, added by the areas that hold customer data (decisions, audit, drafts). */
  addExportSource(source: CustomerDataSource): void;
}

export interface GovernanceDependencies {
  readonly config: KairosConfig;
  readonly database: DataSource;
  readonly log: EventLog;
  readonly worker: PartitionWorker;
  readonly profiles: ProfileQueryService;
  readonly audit: AuditTrail;
  readonly privacy: PrivacyParts;
  readonly logger: Logger;
}

export function openGovernance(deps: GovernanceDependencies): GovernanceParts {
  const { config, database, log, worker, audit, privacy, logger } = deps;
  const purposes = loadPurposeRegistryFile();
  const reviewCases = new ReviewCaseRepository(database);
  const erasure = new CustomerErasureService(log, privacy.keyring, privacy.erasures, audit, logger.child({ component: 'erasure' }), {
    otherStores: [{ store: 'review_cases', eraseCustomer: (customerId) => reviewCases.deleteForCustomer(customerId) }],
  });
  const ledger = new ConsentLedgerRepository(database);
  const consents = new ConsentLedgerService({
    ledger,
    log,
    applied: new PartitionWorkerAppliedOffsets(worker),
    audit,
    registry: purposes,
    logger: logger.child({ component: 'consent-ledger' }),
    erasures: erasure,
    maxFutureSkewMs: config.maxFutureSkewMs,
  });
  const consentGate = new ConsentGate({ states: new PartitionWorkerConsentStates(worker, config.partitions), audit, policy: purposes.policy, erasures: erasure });
  const reviews = new ReviewCaseService({ cases: reviewCases, audit, cipher: privacy.keyring, logger: logger.child({ component: 'review-cases' }) });
  const sources: CustomerDataSource[] = [
    new ProfileDataSource(deps.profiles),
    new EventDataSource(log, (customerId, event) => privacy.opener.openEvent(event, customerId)),
    new ConsentDataSource(consents),
    new ReviewCaseDataSource(reviews),
  ];
  const exports = new CustomerDataExportService({ sources, audit, logger: logger.child({ component: 'data-export' }) });
  const retention = new RetentionJob({
    policy: loadRetentionPolicyFile(),
    audit,
    intervalMs: config.retentionEveryMs,
    logger: logger.child({ component: 'retention' }),
    targets: kairosRetentionTargets({
      log,
      sweep: new RetentionSweepRepository(database),
      snapshots: new SnapshotRetentionRepository(database),
      reviewCases,
      profiles: worker,
      consentLedger: ledger,
      contentDrafts: new ContentDraftRepository(database),
      triggerTraces: new TriggerTraceRepository(database),
    }),
  });
  return { purposes, consents, consentGate, erasure, exports, reviews, retention, addExportSource: (source) => sources.push(source) };
}
