import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { DecisionsController } from './decisions.controller';
import { DecisionService } from './decision.service';

export interface DecisionsModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  /** The process's decision service (one per process: the trigger path uses the same instance). */
  readonly useFactory: (...args: never[]) => DecisionService | Promise<DecisionService>;
}

/** The decision API over a DecisionService the process built. */
@Module({})
export class DecisionsModule {
  static forRootAsync(options: DecisionsModuleAsyncOptions): DynamicModule {
    return {
      module: DecisionsModule,
      imports: options.imports ?? [],
      controllers: [DecisionsController],
      providers: [{ provide: DecisionService, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [DecisionService],
    };
  }
}
