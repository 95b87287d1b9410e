import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { KairosError, ValidationIssue } from '@kairos/contracts';
import type { Logger } from '@kairos/observability';

interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly issues?: readonly ValidationIssue[];
}

/** Fastify's own refusals (body size, media type, malformed JSON), answered in our error shape. */
const FASTIFY_CLIENT_ERRORS: Record<string, ErrorBody & { status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the limit (1 MiB by default)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'VALIDATION_FAILED', message: 'the Content-Length header does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'VALIDATION_FAILED', message: 'the JSON body is empty' },
};

const INVALID_JSON = {
  status: 400,
  body: { error: 'VALIDATION_FAILED', message: 'the body is not valid JSON', issues: [{ path: '(root)', rule: 'invalid_json', message: 'not valid JSON' }] },
};

/**
 * The one mapper from errors to HTTP responses. Bodies name the field and rule for client errors, never echo input,
 * and never carry stack traces; unexpected errors are logged by name only and answered with a generic 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, retryAfter } = this.describe(exception);
    if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody; retryAfter?: number } {
    if (exception instanceof KairosError) {
      if (exception.status >= 500 && exception.code === 'INTERNAL') this.logger.error({ code: exception.code }, 'internal error');
      return {
        status: exception.status,
        body: { error: exception.code, message: exception.message, ...(exception.issues.length > 0 ? { issues: exception.issues } : {}) },
        retryAfter: exception.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 400 && /JSON/i.test(exception.message)) return INVALID_JSON;
      return { status, body: { error: status === 404 ? 'NOT_FOUND' : `HTTP_${status}`, message: status === 404 ? 'no such route' : exception.message } };
    }
    const fastifyError = exception as { code?: string; statusCode?: number };
    const known = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
    if (known) return { status: known.status, body: { error: known.error, message: known.message } };
    if (exception instanceof SyntaxError || fastifyError.statusCode === 400) return INVALID_JSON;
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return { status: fastifyError.statusCode, body: { error: `HTTP_${fastifyError.statusCode}`, message: 'the request was refused' } };
    }
    this.logger.error({ errorName: (exception as Error)?.name, code: fastifyError.code }, 'unexpected error');
    return { status: 500, body: { error: 'INTERNAL', message: 'an unexpected error occurred; it has been logged' } };
  }
}
