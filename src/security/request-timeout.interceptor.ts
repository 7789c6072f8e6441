import { HttpException, HttpStatus, Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, timeout, TimeoutError, type Observable } from 'rxjs';
import { LEDGER_CONFIG, REQUEST_TIMEOUT_MS_DEFAULT, type LedgerConfig } from '../common/config';

/**
 * Answers 503 when a request runs too long. A command that was already appended stays appended:
 * the client retries with its Idempotency-Key and gets the first answer.
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ms = this.config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    return next.handle().pipe(
      timeout(ms),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof TimeoutError ? new HttpException(`the request did not finish within ${ms} ms; retry with the same Idempotency-Key`, HttpStatus.SERVICE_UNAVAILABLE) : error,
        ),
      ),
    );
  }
}
