import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Fastify's router refusals (a path parameter longer than the router allows, a URL that does not decode), answered
 * in our error shape. Fastify's own bodies quote the whole URL, which may carry personal data (a customer id in the
 * path), so nothing of the request is echoed here.
 */
export function answerFrameworkError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const issue =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { path: '(path)', rule: 'max_length', message: 'a path parameter is longer than the router allows (100 characters)' }
      : { path: '(path)', rule: 'invalid_url', message: 'the URL is not valid' };
  void reply.status(400).header('content-type', 'application/json; charset=utf-8').send({ error: 'VALIDATION_FAILED', message: 'the request path is invalid', issues: [issue] });
}
