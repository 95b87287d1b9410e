import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { CapacityController } from './capacity.controller';
import { ChannelCapacity } from './channel-capacity';

export interface CapacityModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => ChannelCapacity | Promise<ChannelCapacity>;
}

/** /v1/capacity over the process's channel breakers. */
@Module({})
export class CapacityModule {
  static forRootAsync(options: CapacityModuleAsyncOptions): DynamicModule {
    return {
      module: CapacityModule,
      imports: options.imports ?? [],
      controllers: [CapacityController],
      providers: [{ provide: ChannelCapacity, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [ChannelCapacity],
    };
  }
}
