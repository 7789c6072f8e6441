import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { finalize, of, tap, type Observable } from 'rxjs';
import { CLOCK, type Clock } from '../common/clock';
import { ConcurrencyConflict, RuleViolation } from '../common/errors';
import { headerOf } from '../common/http-headers';
import { IdempotencyStore } from './idempotency-store';

const REPLAYED_HEADERS = ['etag', 'location'];

/** The path without the query string, as the stored fingerprints were taken (Express's `request.path`). */
const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/**
 * `Idempotency-Key` on a POST: the first 2xx answer is stored; a retry with the same key and the
 * same request gets that answer again and appends nothing. The same key with another request is
 * a 422; a retry while the first is still running is a 409. Bound to every controller with a POST
 * route (`@UseInterceptors`, checked by test/architecture.spec.ts), not globally: an interceptor
 * costs every request it wraps, GETs included.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly responses: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'POST') return next.handle();
    const key = headerOf(request, 'idempotency-key');
    if (key === undefined) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    const fingerprint = createHash('sha256')
      .update(`${request.method} ${pathOf(request.url)}\n`)
      .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
      .digest('hex');
    const stored = this.responses.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new RuleViolation('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');
      }
      reply.status(stored.status);
      for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
      reply.header('Idempotent-Replayed', 'true');
      return of(stored.body);
    }
    if (!this.responses.begin(key)) throw new ConcurrencyConflict(`idempotency-key ${key}`, 'none in flight', 'a request in flight');
    return next.handle().pipe(
      tap((body) => {
        // The request timeout answered first: the client never got this answer, so it is not the one to replay.
        if (reply.sent) return;
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        this.responses.save(key, { fingerprint, status: reply.statusCode, body, headers }, this.clock.now().toISOString());
      }),
      finalize(() => this.responses.end(key)),
    );
  }
}
