import { partitionForCustomer } from '@kairos/contracts';
import fc from 'fast-check';
import { Partitioners, PartitionMetadata } from 'kafkajs';

/** Computed with org.apache.kafka.common.utils.Utils.murmur2 from the kafka-clients 3.9.1 jar (toPositive(h) % n). */
const JAVA_PARTITIONS: readonly [key: string, of12: number, of7: number][] = [
  ['cust-1', 7, 5],
  ['cust-42', 8, 0],
  ['c', 10, 0],
  ['ab', 2, 0],
  ['abc', 3, 4],
  ['abcd', 8, 5],
  ['customer-0000017', 11, 5],
  ['Ünïcødé-客户-🙂', 6, 5],
  ['0', 8, 3],
  ['a-very-long-customer-identifier-with-many-characters-1234567890', 6, 1],
];

function kafkajsPartition(key: string, partitionCount: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('customer partitioning', () => {
  it.each(JAVA_PARTITIONS)('puts %s where the Java client does', (key, of12, of7) => {
    expect(partitionForCustomer(key, 12)).toBe(of12);
    expect(partitionForCustomer(key, 7)).toBe(of7);
  });

  it('agrees with the kafkajs default (Java-compatible) partitioner for any key and partition count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 256 }), (key, n) => {
        expect(partitionForCustomer(key, n)).toBe(kafkajsPartition(key, n));
      }),
      { numRuns: 2000 },
    );
  });
});
