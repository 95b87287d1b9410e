import { KairosError } from '@kairos/contracts';
import type { ProfileQueryService } from '@kairos/customer-state';
import type { CustomerDataSource, ExportedRecord } from './customer-data-source';

/**
 * The profile: attributes and feature values derived from the person's events, as of the export. Served by the
 * owner of the customer's partition (a process that does not own it answers 503 NOT_PARTITION_OWNER; retry, or
 * route the export to the owner).
 */
export class ProfileDataSource implements CustomerDataSource {
  readonly name = 'profile';
  readonly description = 'Attributes and derived features (counts, recent values) computed from your events to choose relevant offers.';

  constructor(private readonly profiles: Pick<ProfileQueryService, 'profile'>) {}

  async collect(customerId: string): Promise<readonly ExportedRecord[]> {
    try {
      const view = this.profiles.profile(customerId);
      return [{ id: 'profile', customerId: view.customerId, recordedAt: view.asOf, data: { attributes: view.attributes, features: view.features } }];
    } catch (error) {
      if (error instanceof KairosError && error.code === 'NOT_FOUND') return [];
      throw error;
    }
  }
}
