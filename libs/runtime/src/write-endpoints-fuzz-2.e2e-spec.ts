import { fuzzWriteEndpoints } from './testing/write-endpoints-fuzz.suite';

// P1, second half of the write routes (see write-endpoints-fuzz.e2e-spec.ts).
fuzzWriteEndpoints(1, 2);
