import { Module } from '@nestjs/common';
import { TriggerSetsModule } from '@kairos/decisioning-service';
import { KairosRuntime } from './kairos-runtime';
import { triggerSetLifecycleOptions } from './trigger-parts';

/** /v1/trigger-sets bound to this process's runtime: its trigger sets, registry, base action catalog and audit trail. */
@Module({
  imports: [
    TriggerSetsModule.forRootAsync({
      inject: [KairosRuntime],
      useFactory: (runtime: KairosRuntime) =>
        triggerSetLifecycleOptions(runtime.modules.triggerSets, { registry: runtime.registry, catalog: runtime.modules.campaigns.catalog.base, audit: runtime.audit.journal }),
    }),
  ],
})
export class TriggersWiringModule {}
