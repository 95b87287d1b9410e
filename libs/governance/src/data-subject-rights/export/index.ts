export * from './customer-data-source';
export * from './customer-data-export';
export * from './customer-data-export.service';
export * from './profile-data.source';
export * from './event-data.source';
export { CustomerExportController } from './customer-export.controller';
export * from './customer-export-http.module';
