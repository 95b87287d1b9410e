export * from './identity-resolver';
export * from './ingestion-result';
export * from './ingestion.service';
export * from './ingestion-http.module';
