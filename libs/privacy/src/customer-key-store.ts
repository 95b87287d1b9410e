/** A data key as stored: wrapped by the key-encryption key, which is never stored with it. */
export interface StoredDataKey {
  /** A customer id, or a parking subject (see parkingKeySubject) for events whose customer is not known yet. */
  readonly subject: string;
  readonly wrappedKey: Uint8Array;
  /** Fingerprint of the key-encryption key that wrapped it (masterKeyId). */
  readonly kekId: string;
  readonly createdAtMs: number;
}

/** Proof that a customer was erased: ids and a time only, never personal data. */
export interface ErasureTombstone {
  readonly customerId: string;
  readonly requestId: string;
  readonly erasedAtMs: number;
}

/** Where data keys live (the customer_keys and erasure_tombstones tables, implemented in @kairos/persistence). */
export interface CustomerKeyStore {
  findKeys(subjects: readonly string[]): Promise<StoredDataKey[]>;
  /**
   * Stores each key unless its subject already has one (the stored one is returned instead: two processes racing
   * to create a customer's first key agree on one) or is erased (left out of the result: nothing is stored).
   */
  createKeys(keys: readonly StoredDataKey[]): Promise<StoredDataKey[]>;
  /**
   * Writes the tombstone and deletes the subject's key in one transaction. Returns the tombstone in force: an
   * earlier one when the customer was already erased (a repeated or concurrent erasure keeps the first request).
   */
  destroyKey(tombstone: ErasureTombstone): Promise<ErasureTombstone>;
  /** Deletes keys without a tombstone (parking keys, whose subject is an identifier and not a customer). */
  discardKeys(subjects: readonly string[]): Promise<void>;
}
