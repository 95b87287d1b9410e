import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import type { ActionOutboxRepository } from '@kairos/persistence';
import { OUTBOX_REPOSITORY, OutboxController } from './outbox.controller';

export interface OutboxModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => ActionOutboxRepository | Promise<ActionOutboxRepository>;
}

/** The outbox's HTTP face (GET /v1/outbox, POST /v1/outbox/{decisionId}/{actionId}/ack). */
@Module({})
export class OutboxModule {
  static forRootAsync(options: OutboxModuleAsyncOptions): DynamicModule {
    return {
      module: OutboxModule,
      imports: options.imports ?? [],
      controllers: [OutboxController],
      providers: [{ provide: OUTBOX_REPOSITORY, useFactory: options.useFactory, inject: options.inject ?? [] }],
    };
  }
}
