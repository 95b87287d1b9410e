export { FUZZ_CANARY, invalidRequests, type FuzzRequest, type FuzzTarget } from './invalid-requests';
export { fuzzTargetFor } from './write-endpoint-targets';
export { changedRowCounts, sqliteRowCounts } from './store-row-counts';
