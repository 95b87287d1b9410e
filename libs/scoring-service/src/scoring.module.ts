import { Inject, Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OnModuleDestroy } from '@nestjs/common';
import { ModelsController } from './http/models.controller';
import { ScoreController } from './http/score.controller';
import { ModelMonitoringService } from './monitoring/model-monitoring.service';
import { ModelRegistryService } from './registry/model-registry.service';
import { SCORING_SERVICE_OPTIONS, type ScoringServiceOptions } from './scoring-options';
import { ScoringServices, createScoringServices } from './scoring-services';
import { CustomerScoringService } from './serving/customer-scoring.service';
import { ModelScoreSource } from './serving/model-score-source';
import { SegmentScoringService } from './serving/segment-scoring.service';

export interface ScoringModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  /** Either options (the module builds and starts the services) or services already started (shared with the decision core). */
  readonly useFactory: (...args: never[]) => ScoringServiceOptions | ScoringServices | Promise<ScoringServiceOptions | ScoringServices>;
}

const SCORING_SERVICES = Symbol('SCORING_SERVICES');

/** The scoring bounded context over HTTP: /v1/models and /v1/score. */
@Module({})
export class ScoringModule implements OnModuleDestroy {
  constructor(@Inject(SCORING_SERVICES) private readonly services: ScoringServices) {}

  static forRoot(options: ScoringServiceOptions): DynamicModule {
    return ScoringModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: ScoringModuleAsyncOptions): DynamicModule {
    return {
      module: ScoringModule,
      imports: options.imports ?? [],
      controllers: [ModelsController, ScoreController],
      providers: [
        { provide: SCORING_SERVICE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: SCORING_SERVICES,
          useFactory: async (given: ScoringServiceOptions | ScoringServices) => (given instanceof ScoringServices ? given : createScoringServices(given)),
          inject: [SCORING_SERVICE_OPTIONS],
        },
        { provide: ModelRegistryService, useFactory: (s: ScoringServices) => s.registry, inject: [SCORING_SERVICES] },
        { provide: CustomerScoringService, useFactory: (s: ScoringServices) => s.customers, inject: [SCORING_SERVICES] },
        { provide: SegmentScoringService, useFactory: (s: ScoringServices) => s.segments, inject: [SCORING_SERVICES] },
        { provide: ModelMonitoringService, useFactory: (s: ScoringServices) => s.monitoring, inject: [SCORING_SERVICES] },
        { provide: ModelScoreSource, useFactory: (s: ScoringServices) => s.scoreSource, inject: [SCORING_SERVICES] },
      ],
      exports: [ModelRegistryService, ModelScoreSource],
    };
  }

  /** Services the module built itself are stopped with it; shared ones belong to whoever built them. */
  onModuleDestroy(): void {
    if (!this.services.shared) this.services.stop();
  }
}
