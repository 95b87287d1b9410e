import { Module } from '@nestjs/common';
import { OutboxModule } from '@kairos/decisioning-service';
import { KairosRuntime } from './kairos-runtime';

/** The embedded channel feed (`/v1/outbox`) over this process's action outbox. */
@Module({ imports: [OutboxModule.forRootAsync({ inject: [KairosRuntime], useFactory: (runtime: KairosRuntime) => runtime.modules.outbox.repository })] })
export class OutboxWiringModule {}
