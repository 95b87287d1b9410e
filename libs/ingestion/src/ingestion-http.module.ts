import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';

/** HTTP edge of ingestion. IngestionService itself is provided by the process's runtime module. */
@Module({ controllers: [EventsController] })
export class IngestionHttpModule {}
