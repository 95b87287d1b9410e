import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { CapacityController } from './capacity.controller';
import { CAPACITY_STATES, type CapacityStates } from './capacity-states';

export interface CapacityModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => CapacityStates | Promise<CapacityStates>;
}

/** /v1/capacity over the channel capacity (the cluster-wide budget in the runtime). */
@Module({})
export class CapacityModule {
  static forRootAsync(options: CapacityModuleAsyncOptions): DynamicModule {
    return {
      module: CapacityModule,
      imports: options.imports ?? [],
      controllers: [CapacityController],
      providers: [{ provide: CAPACITY_STATES, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [CAPACITY_STATES],
    };
  }
}
