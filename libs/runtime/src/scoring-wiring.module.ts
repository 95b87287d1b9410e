import { Module } from '@nestjs/common';
import { ScoringModule } from '@kairos/scoring-service';
import { KairosRuntime } from './kairos-runtime';
import { openScoring } from './scoring-parts';

/**
 * /v1/models and /v1/score bound to this process's runtime, over the same scoring services the decision core scores
 * with (openScoring gives one instance per runtime), so a promotion made over HTTP reaches decisions at once.
 */
@Module({ imports: [ScoringModule.forRootAsync({ inject: [KairosRuntime], useFactory: (runtime: KairosRuntime) => openScoring(runtime) })] })
export class ScoringWiringModule {}
