import { mixSeed, permute32 } from '../random/seeded-random';

/*
 * Every identifier the simulator emits keeps digit runs short (at most 12 digits between letters), so no id can
 * ever look like a 13-19 digit payment card number to the ingestion PAN filter.
 */

const TOKEN_KEY = 0x746f6b6e;

export function customerIdFor(seed: number, index: number): string {
  return `cust-s${seed}-n${String(index).padStart(6, '0')}`;
}

export function eventIdFor(seed: number, index: number, sequence: number): string {
  return `evt-s${seed}-n${index}-e${sequence}`;
}

/**
 * `card-3fa9b2c1e07d`: 48 opaque bits, unique per (customer, ordinal) because the upper 32 bits are a keyed
 * bijection of the customer index and the lower 16 bits differ per ordinal.
 */
export function productTokenFor(prefix: string, seed: number, index: number, ordinal: number): string {
  const high = permute32(index, mixSeed(seed, TOKEN_KEY));
  const low = (ordinal ^ high ^ (high >>> 16)) & 0xffff;
  return `${prefix}-${hex(high, 8)}${hex(low, 4)}`;
}

export function deviceIdFor(seed: number, index: number, ordinal: number): string {
  return productTokenFor('dev', seed ^ 0x5eed, index, ordinal);
}

function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).padStart(width, '0');
}
