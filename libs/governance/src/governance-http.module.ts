import { Module } from '@nestjs/common';
import { AuditHttpModule } from './audit';
import { ConsentHttpModule } from './consent';
import { CustomerExportHttpModule, ErasureHttpModule, ReviewsHttpModule } from './data-subject-rights';

/** Every governance route: the audit log, consents and objections, data-subject rights (export, erasure, review cases). */
@Module({ imports: [AuditHttpModule, ConsentHttpModule, CustomerExportHttpModule, ErasureHttpModule, ReviewsHttpModule] })
export class GovernanceHttpModule {}
