import 'reflect-metadata';
import { IngestionHttpModule } from '@kairos/ingestion';
import { runProcess } from '@kairos/runtime';

/** Distributed mode: the ingestion service — HTTP edge and Kafka source topic; owns no partitions. */
void runProcess({ name: 'ingestion', features: [IngestionHttpModule], ownsPartitions: false, consumesSourceTopic: true, governs: false });
