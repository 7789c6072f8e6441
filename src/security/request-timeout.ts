import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();

/**
 * Answers 503 (through the problem filter) when a request runs longer than `timeoutMs` once its
 * body is read. The handler is not stopped: a command that was already appended stays appended,
 * its late answer is dropped (and not stored for its Idempotency-Key), and the client retries with
 * the same Idempotency-Key. Fastify hooks rather than a Nest interceptor: an interceptor wraps
 * every request in rxjs and async-context bindings, which cost a GET more than the read itself.
 */
export const limitRequestTime = (fastify: FastifyInstance, timeoutMs: number): void => {
  fastify.addHook('preHandler', (request, reply, done) => {
    const timer = setTimeout(() => {
      if (!reply.sent) {
        void reply.send(new HttpException(`the request did not finish within ${timeoutMs} ms; retry with the same Idempotency-Key`, HttpStatus.SERVICE_UNAVAILABLE));
      }
    }, timeoutMs);
    timers.set(request, timer);
    done();
  });
  const stop = (request: FastifyRequest, _reply: unknown, done: () => void): void => {
    clearTimeout(timers.get(request));
    done();
  };
  fastify.addHook('onResponse', stop);
  fastify.addHook('onRequestAbort', (request, done) => stop(request, null, done));
};
