export * from './customer-erasure.service';
export * from './erasure-http.module';
export * from './erasure-receipt';
export { ERASURE_GROUNDS, type ErasureGround, type ErasureRequest } from './erasure-request.schema';
export { ErasureController } from './erasure.controller';
