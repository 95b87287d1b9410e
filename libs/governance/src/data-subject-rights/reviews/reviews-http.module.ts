import { Module } from '@nestjs/common';
import { ReviewsController } from './reviews.controller';

/** HTTP edge of Art. 22 review cases. ReviewCaseService is provided by the process's runtime module. */
@Module({ controllers: [ReviewsController] })
export class ReviewsHttpModule {}
