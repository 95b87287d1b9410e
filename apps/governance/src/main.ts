import 'reflect-metadata';
import { GovernanceHttpModule } from '@kairos/governance';
import { runProcess } from '@kairos/runtime';

/**
 * Distributed mode: the governance service — audit, consents, data-subject rights. It signs the audit checkpoints
 * and runs the retention job, so run exactly one (standbys may wait behind a process supervisor).
 */
void runProcess({ name: 'governance', features: [GovernanceHttpModule], ownsPartitions: false, consumesSourceTopic: false, governs: true });
