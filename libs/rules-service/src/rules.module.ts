import { Inject, Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RuleSetsController } from './http/rule-sets.controller';
import { RuleSetLifecycleService } from './lifecycle/rule-set-lifecycle.service';
import { RULES_SERVICE_OPTIONS, type RulesServiceOptions } from './rules-options';
import { RuleSetSimulationService } from './simulation/rule-set-simulation.service';

export interface RulesModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => RulesServiceOptions | Promise<RulesServiceOptions>;
}

/** Starts the deployment poller with the application (first load before serving) and stops it on shutdown. */
class RulesDeploymentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(RULES_SERVICE_OPTIONS) private readonly options: RulesServiceOptions) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.options.poller?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.poller?.stop();
  }
}

/** The rules bounded context over HTTP: /v1/rule-sets lifecycle, export and simulation. */
@Module({})
export class RulesModule {
  static forRoot(options: RulesServiceOptions): DynamicModule {
    return RulesModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: RulesModuleAsyncOptions): DynamicModule {
    return {
      module: RulesModule,
      imports: options.imports ?? [],
      controllers: [RuleSetsController],
      providers: [
        { provide: RULES_SERVICE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: RuleSetLifecycleService, useFactory: (o: RulesServiceOptions) => new RuleSetLifecycleService(o), inject: [RULES_SERVICE_OPTIONS] },
        { provide: RuleSetSimulationService, useFactory: (o: RulesServiceOptions, l: RuleSetLifecycleService) => new RuleSetSimulationService(o, l), inject: [RULES_SERVICE_OPTIONS, RuleSetLifecycleService] },
        { provide: RulesDeploymentLifecycle, useFactory: (o: RulesServiceOptions) => new RulesDeploymentLifecycle(o), inject: [RULES_SERVICE_OPTIONS] },
      ],
      exports: [RuleSetLifecycleService, RuleSetSimulationService],
    };
  }
}
