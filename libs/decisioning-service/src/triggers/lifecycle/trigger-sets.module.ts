import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { TriggerSetLifecycleController } from './trigger-set-lifecycle.controller';
import { TriggerSetLifecycleService, type TriggerSetLifecycleOptions } from './trigger-set-lifecycle.service';

export interface TriggerSetsModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => TriggerSetLifecycleOptions | Promise<TriggerSetLifecycleOptions>;
}

const TRIGGER_SETS_OPTIONS = Symbol('TRIGGER_SETS_OPTIONS');

/** /v1/trigger-sets: authoring, deploying and rolling back the platform's trigger set. */
@Module({})
export class TriggerSetsModule {
  static forRootAsync(options: TriggerSetsModuleAsyncOptions): DynamicModule {
    return {
      module: TriggerSetsModule,
      imports: options.imports ?? [],
      controllers: [TriggerSetLifecycleController],
      providers: [
        { provide: TRIGGER_SETS_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: TriggerSetLifecycleService, useFactory: (o: TriggerSetLifecycleOptions) => new TriggerSetLifecycleService(o), inject: [TRIGGER_SETS_OPTIONS] },
      ],
      exports: [TriggerSetLifecycleService],
    };
  }
}

