import 'reflect-metadata';
import { ContentWiringModule, runProcess } from '@kairos/runtime';

/** Distributed mode: the content service (briefs, drafts, review queue). It owns no partitions. */
void runProcess({ name: 'content', features: [ContentWiringModule], ownsPartitions: false, consumesSourceTopic: false, governs: false });
