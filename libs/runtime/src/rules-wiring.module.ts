import { Module } from '@nestjs/common';
import { RulesModule } from '@kairos/rules-service';
import { KairosRuntime } from './kairos-runtime';
import type { RulesParts } from './rules-parts';

/** The rule sets of `runtime` (its decision modules hold them, shared with the decision core). */
export function rulesOf(runtime: KairosRuntime): RulesParts {
  return runtime.modules.rules;
}

/** /v1/rule-sets bound to this process's runtime: its database, audit trail, registry, log and worker. */
@Module({ imports: [RulesModule.forRootAsync({ inject: [KairosRuntime], useFactory: (runtime: KairosRuntime) => rulesOf(runtime).options })] })
export class RulesWiringModule {}
