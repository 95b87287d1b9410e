import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of a Kairos process. Labels carry reasons, partitions and types — never customer ids or
 * other personal data (label values end up in a time-series database that has no erasure).
 */
export class KairosMetrics {
  readonly registry = new Registry();
  readonly eventsAccepted = new Counter({ name: 'kairos_events_accepted_total', help: 'Events accepted and durably logged', registers: [this.registry] });
  readonly eventsDuplicate = new Counter({ name: 'kairos_events_duplicate_total', help: 'Events answered as duplicates of an earlier id', registers: [this.registry] });
  readonly eventsParked = new Counter({ name: 'kairos_events_parked_total', help: 'Events waiting for an identifier link', registers: [this.registry] });
  readonly eventsRejected = new Counter({
    name: 'kairos_events_rejected_total',
    help: 'Events rejected at ingestion, by the first rule they broke',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });
  readonly eventsApplied = new Counter({ name: 'kairos_events_applied_total', help: 'Events folded into profiles', registers: [this.registry] });
  readonly consumerLag = new Gauge({ name: 'kairos_consumer_lag', help: 'Records not yet applied, per partition', labelNames: ['partition'] as const, registers: [this.registry] });
  readonly acceptToApplied = new Histogram({
    name: 'kairos_accept_to_applied_seconds',
    help: 'Time from acceptance at ingestion to being folded into the profile',
    // Finer around 100 ms, the p99 target of Kafka mode, so the bench reads the quantile, not a 100–250 ms range.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly accessDenied = new Counter({
    name: 'kairos_access_denied_total',
    help: 'Requests refused by authentication or authorization, by reason and whether an audit record was written',
    labelNames: ['reason', 'audited'] as const,
    registers: [this.registry],
  });
  readonly snapshotsWritten = new Counter({ name: 'kairos_snapshots_written_total', help: 'Partition snapshots written', registers: [this.registry] });
  readonly snapshotsRejected = new Counter({
    name: 'kairos_snapshots_rejected_total',
    help: 'Snapshots found corrupt or incompatible at restore (fell back to an older one or a replay)',
    registers: [this.registry],
  });

  constructor(options: { collectProcessMetrics?: boolean } = {}) {
    if (options.collectProcessMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'kairos_' });
  }
}
