import type { PartitionDirectory, PartitionOwner } from './partition-directory';

/**
 * The embedded mode: one process owns every partition, so nothing is ever forwarded and there is no handover to
 * wait for.
 */
export class EmbeddedDirectory implements PartitionDirectory {
  private readonly self: PartitionOwner;

  constructor(
    readonly processId: string,
    readonly partitionCount: number,
  ) {
    this.self = { processId, baseUrl: '', epoch: 1 };
  }

  owns(): boolean {
    return true;
  }

  isServable(): boolean {
    return true;
  }

  async awaitServable(): Promise<boolean> {
    return true;
  }

  ownerOf(): PartitionOwner {
    return this.self;
  }

  handoverOffset(): number {
    return -1;
  }

  async refresh(): Promise<void> {
    // Nothing to re-read: ownership never changes.
  }
}
