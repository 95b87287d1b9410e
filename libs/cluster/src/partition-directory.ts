/** Where a partition is served: the process that owns it and the base URL it answers on. */
export interface PartitionOwner {
  readonly processId: string;
  readonly baseUrl: string;
  /** Claims of later owners carry higher epochs; requests go to the highest. */
  readonly epoch: number;
}

/** How far this process has applied each partition it owns (the partition worker). */
export interface PartitionProgressSource {
  store(partition: number): { readonly lastAppliedOffset: number } | undefined;
}

/**
 * Which process owns which partition, as seen by this process. Reads are synchronous (served from a cache refreshed
 * in the background) so the hot path of a request never waits on the database.
 */
export interface PartitionDirectory {
  readonly processId: string;
  readonly partitionCount: number;
  /** This process is assigned the partition (it may still be replaying: see isServable). */
  owns(partition: number): boolean;
  /**
   * This process may answer from the partition's state now: it owns it, no earlier owner still claims it, and its
   * state has reached the handover offset (the highest offset any earlier owner applied). The decision core calls
   * this before deciding for a customer of the partition (R3).
   */
  isServable(partition: number): boolean;
  /** Resolves true as soon as the partition is servable, false after `timeoutMs`. */
  awaitServable(partition: number, timeoutMs: number): Promise<boolean>;
  /** The process requests for the partition go to, if one is known. */
  ownerOf(partition: number): PartitionOwner | undefined;
  /** The highest offset of the partition any owner reported as applied (-1 = none): the floor of served state. */
  handoverOffset(partition: number): number;
  /** Re-reads the directory now (after a forward failed, for instance). */
  refresh(): Promise<void>;
}
