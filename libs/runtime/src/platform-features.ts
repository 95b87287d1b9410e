import { Type } from '@nestjs/common';
import { CustomerStateHttpModule } from '@kairos/customer-state';
import { GovernanceHttpModule } from '@kairos/governance';
import { IngestionHttpModule } from '@kairos/ingestion';
import { CampaignsWiringModule } from './campaigns-wiring.module';
import { ContentRefsWiringModule } from './content-refs-wiring.module';
import { ContentWiringModule } from './content-wiring.module';
import { DecisioningWiringModule } from './decisioning-wiring.module';
import { OutboxWiringModule } from './outbox-wiring.module';
import { RulesWiringModule } from './rules-wiring.module';
import { ScoringWiringModule } from './scoring-wiring.module';
import { TriggersWiringModule } from './triggers-wiring.module';

/** Every feature module of the embedded all-in-one platform; the route tests mount exactly this list. */
export const PLATFORM_FEATURES: readonly Type[] = [
  IngestionHttpModule,
  CustomerStateHttpModule,
  GovernanceHttpModule,
  ContentWiringModule,
  ContentRefsWiringModule,
  DecisioningWiringModule,
  OutboxWiringModule,
  ScoringWiringModule,
  RulesWiringModule,
  CampaignsWiringModule,
  TriggersWiringModule,
];
