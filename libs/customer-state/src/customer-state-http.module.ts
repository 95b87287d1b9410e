import { Module } from '@nestjs/common';
import { CustomerStateController } from './customer-state.controller';

/** HTTP edge of the partition-owning worker: profiles and event traces. Services come from the runtime module. */
@Module({ controllers: [CustomerStateController] })
export class CustomerStateHttpModule {}
