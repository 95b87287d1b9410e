import { fuzzWriteEndpoints } from './testing/write-endpoints-fuzz.suite';

// P1, first half of the write routes (the second half runs in write-endpoints-fuzz-2, so each file stays short).
fuzzWriteEndpoints(0, 2);
