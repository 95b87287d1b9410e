/**
 * Customer → partition, exactly as Kafka's default partitioner does it for keyed records
 * (murmur2 of the UTF-8 key, made positive, modulo the partition count), so outside producers that key by
 * customer id land on the same partition as Kafka's own clients and as our embedded log.
 */
export function partitionForCustomer(customerId: string, partitionCount: number): number {
  return (murmur2(Buffer.from(customerId, 'utf8')) & 0x7fffffff) % partitionCount;
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), in 32-bit integer arithmetic. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
