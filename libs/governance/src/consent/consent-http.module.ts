import { Module } from '@nestjs/common';
import { ConsentsController } from './consents.controller';

/** HTTP edge of consents and objections. ConsentLedgerService is provided by the process's runtime module. */
@Module({ controllers: [ConsentsController] })
export class ConsentHttpModule {}
