import { Module } from '@nestjs/common';
import { DecisionsModule } from '@kairos/decisioning-service';
import { KairosRuntime } from './kairos-runtime';

/** The decision API (`/v1/decisions`), served by the process runtime's one DecisionService. */
@Module({ imports: [DecisionsModule.forRootAsync({ inject: [KairosRuntime], useFactory: (runtime: KairosRuntime) => runtime.decisioning.service })] })
export class DecisioningWiringModule {}
