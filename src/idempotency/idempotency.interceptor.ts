import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { finalize, of, tap, type Observable } from 'rxjs';
import { CLOCK, type Clock } from '../common/clock';
import { ConcurrencyConflict, RuleViolation } from '../common/errors';
import { IdempotencyStore } from './idempotency-store';

const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * `Idempotency-Key` on a POST: the first 2xx answer is stored; a retry with the same key and the
 * same request gets that answer again and appends nothing. The same key with another request is
 * a 422; a retry while the first is still running is a 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly responses: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.header('Idempotency-Key');
    if (request.method !== 'POST' || key === undefined) return next.handle();

    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.path}\n`)
      .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
      .digest('hex');
    const stored = this.responses.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new RuleViolation('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');
      }
      response.status(stored.status);
      for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
      response.setHeader('Idempotent-Replayed', 'true');
      return of(stored.body);
    }
    if (this.inFlight.has(key)) throw new ConcurrencyConflict(`idempotency-key ${key}`, 'none in flight', 'a request in flight');
    this.inFlight.add(key);
    return next.handle().pipe(
      tap((body) => {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = response.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        this.responses.save(key, { fingerprint, status: response.statusCode, body, headers }, this.clock.now().toISOString());
      }),
      finalize(() => this.inFlight.delete(key)),
    );
  }
}
