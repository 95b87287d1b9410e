import 'reflect-metadata';
import { CustomerStateHttpModule } from '@kairos/customer-state';
import { CampaignsWiringModule, DecisioningWiringModule, OutboxWiringModule, RulesWiringModule, ScoringWiringModule, TriggersWiringModule, runProcess } from '@kairos/runtime';

/** Distributed mode: a partition-owning worker. Start several; the consumer group shares the partitions among them. */
void runProcess({ name: 'decisioning', features: [CustomerStateHttpModule, DecisioningWiringModule, OutboxWiringModule, ScoringWiringModule, RulesWiringModule, CampaignsWiringModule, TriggersWiringModule], ownsPartitions: true, consumesSourceTopic: false, governs: false });
