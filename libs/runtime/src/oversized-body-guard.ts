import type { FastifyInstance } from 'fastify';

/** How much of an oversized body is read and discarded before answering, and for how long at most. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;
const MAX_DRAIN_MS = 2_000;

/**
 * Answers a request whose declared Content-Length exceeds the limit with 413, after the client finished sending
 * (bounded). Closing the connection while request bytes are still unread makes the kernel reset it, and the reset
 * destroys the 413 on its way to the client: Node has no lingering close, so this is it, for the common case of a
 * declared length. Bodies beyond the drain bounds are cut off as before.
 */
export function refuseOversizedBodiesCleanly(fastify: FastifyInstance, bodyLimitBytes: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = Number(request.headers['content-length']);
    if (!(declared > bodyLimitBytes)) return done();
    const raw = request.raw;
    let drained = 0;
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      raw.removeListener('data', onData);
      void reply
        .code(413)
        .header('connection', 'close')
        .type('application/json; charset=utf-8')
        .send({ error: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than the limit of ${bodyLimitBytes} bytes` });
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAIN_BYTES) answer();
    };
    const timer = setTimeout(answer, MAX_DRAIN_MS);
    raw.on('data', onData);
    raw.once('end', answer);
    raw.once('error', answer);
    raw.resume();
  });
}
