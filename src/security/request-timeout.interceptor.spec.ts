import { HttpException } from '@nestjs/common';
import { firstValueFrom, of, timer } from 'rxjs';
import { map } from 'rxjs/operators';
import type { LedgerConfig } from '../common/config';
import { RequestTimeoutInterceptor } from './request-timeout.interceptor';

const config = (requestTimeoutMs: number) => ({ requestTimeoutMs }) as LedgerConfig;
const context = {} as never;

describe('RequestTimeoutInterceptor', () => {
  it('answers 503 when the handler runs past the limit', async () => {
    const slow = { handle: () => timer(200).pipe(map(() => 'late')) };
    const error = await firstValueFrom(new RequestTimeoutInterceptor(config(10)).intercept(context, slow)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(503);
  });

  it('passes a timely answer and other errors through untouched', async () => {
    await expect(firstValueFrom(new RequestTimeoutInterceptor(config(1_000)).intercept(context, { handle: () => of('ok') }))).resolves.toBe('ok');
    const failing = { handle: () => timer(1).pipe(map(() => { throw new RangeError('boom'); })) };
    await expect(firstValueFrom(new RequestTimeoutInterceptor(config(1_000)).intercept(context, failing))).rejects.toBeInstanceOf(RangeError);
  });
});
