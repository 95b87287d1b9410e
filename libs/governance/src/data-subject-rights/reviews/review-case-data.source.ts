import type { CustomerDataSource, ExportedRecord } from '../export/customer-data-source';
import type { ReviewCaseService } from './review-case.service';

/** The person's requests for human review (Art. 22), with their statements and the outcomes, for the access export. */
export class ReviewCaseDataSource implements CustomerDataSource {
  readonly name = 'review_cases';
  readonly description = 'Your requests for a person to review an automated decision, your statements, and the outcomes.';

  constructor(private readonly reviews: Pick<ReviewCaseService, 'casesOf'>) {}

  async collect(customerId: string): Promise<readonly ExportedRecord[]> {
    return (await this.reviews.casesOf(customerId)).map(({ id, customerId: subject, openedAt, ...rest }) => ({
      id,
      customerId: subject,
      recordedAt: openedAt,
      data: { openedAt, ...rest },
    }));
  }
}
