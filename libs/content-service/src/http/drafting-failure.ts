import { HttpException, HttpStatus } from '@nestjs/common';
import { DraftingError } from '@kairos/content';

/**
 * A model that failed is an operational error (503: try again, or draft with the template drafter); a model that
 * refused the brief is the brief's problem (422). The message names the reason, never the brief or the output.
 * (A dedicated error code would be cleaner; KairosError has none for an upstream model, so Nest's exceptions carry
 * the status through the shared filter.)
 */
export function toHttpFailure(error: unknown): unknown {
  if (!(error instanceof DraftingError)) return error;
  if (error.reason === 'refused') return new HttpException(`drafting failed (${error.reason}): ${error.message}`, HttpStatus.UNPROCESSABLE_ENTITY);
  return new HttpException(`drafting failed (${error.reason}): ${error.message}; nothing was stored. Retry later or use drafter "template".`, HttpStatus.SERVICE_UNAVAILABLE);
}
