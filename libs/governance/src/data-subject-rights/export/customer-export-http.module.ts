import { Module } from '@nestjs/common';
import { CustomerExportController } from './customer-export.controller';

/** HTTP edge of the access/portability export. CustomerDataExportService is provided by the process's runtime module. */
@Module({ controllers: [CustomerExportController] })
export class CustomerExportHttpModule {}
