import { Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';

/** HTTP edge of Art. 17 erasure. CustomerErasureService is provided by the process's runtime module. */
@Module({ controllers: [ErasureController] })
export class ErasureHttpModule {}
