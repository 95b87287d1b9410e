import { PartitionProfileStore } from '../store/partition-profile-store';
import { ByteReader, ByteWriter } from '../snapshot/byte-buffers';
import { readCustomer, readStrings, writeCustomer, writeStrings } from '../snapshot/profile-record-codec';
import type { ProfileState } from './profile-state';

/** An independent copy of a profile in a store of its own: evolving one leaves the other unchanged. */
export function copyProfile(state: ProfileState): ProfileState {
  const writer = new ByteWriter(4096);
  writeStrings(writer, state.store);
  writeCustomer(writer, state.store, state.slot);
  const store = new PartitionProfileStore({ partition: state.store.partition, registry: state.store.registry, expectedCustomers: 1 });
  const reader = new ByteReader(writer.result());
  readStrings(reader, store);
  readCustomer(reader, store);
  return { customerId: state.customerId, store, slot: 0 };
}
