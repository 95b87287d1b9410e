import { partitionForCustomer } from '@kairos/contracts';

/** The newest record of a chain (sequence 0 and the genesis hash for a chain with no records yet). */
export interface ChainHead {
  readonly chain: number;
  readonly sequence: number;
  readonly hash: string;
}

/**
 * One chain per event-log partition, so the records of a customer form one ordered chain written by the worker that
 * owns the partition; records about no customer (deployments, promotions, denials) go to a chain of their own, just
 * past the partition chains.
 */
export function chainFor(subject: string | undefined, partitionCount: number): number {
  return subject === undefined ? systemChain(partitionCount) : partitionForCustomer(subject, partitionCount);
}

export function systemChain(partitionCount: number): number {
  return partitionCount;
}
