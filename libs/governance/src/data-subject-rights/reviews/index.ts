export * from './review-case';
export {
  openReviewRequestSchema,
  reviewTransitionSchema,
  reviewListQuerySchema,
  type OpenReviewRequest,
  type ReviewListQuery,
} from './review-case-requests.schema';
export * from './review-case.service';
export * from './review-case-data.source';
export { ReviewsController } from './reviews.controller';
export * from './reviews-http.module';
