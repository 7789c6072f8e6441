import assert from 'node:assert/strict';
import { CancelledError, DeadlineExceededError, NotLeaderError, UnavailableError } from '@eventstore/db-client';

/** gRPC's UNAVAILABLE: the server is unreachable, restarting, or not ready. */
const GRPC_UNAVAILABLE = 14;

/** Our own deadline on one append attempt ran out (the client's batch-append path sets none). */
export class AppendTimeout extends Error {
  constructor(
    readonly streamId: string,
    readonly timeoutMs: number,
  ) {
    super(`append to ${streamId} got no answer within ${timeoutMs} ms`);
    this.name = 'AppendTimeout';
  }
}

/**
 * Errors where the request may or may not have reached the server and nothing else is wrong:
 * the node went away (UNAVAILABLE, code 14), cancelled the call, a deadline passed, or a new
 * leader must be found. Everything else (a wrong expected version, bad input, access denied) is
 * an answer, never retried.
 */
export function isTransportError(error: unknown): boolean {
  if (error instanceof UnavailableError || error instanceof CancelledError || error instanceof DeadlineExceededError) return true;
  if (error instanceof NotLeaderError || error instanceof AppendTimeout) return true;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === GRPC_UNAVAILABLE;
}

export interface Backoff {
  /** Delay before the first retry. */
  initialMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
}

/** Exponential, capped: initial, 2×initial, 4×initial … maxMs. */
export function backoffDelayMs(backoff: Backoff, attempt: number): number {
  assert.ok(Number.isInteger(attempt) && attempt >= 0, 'attempt must be an integer >= 0');
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rejects with `onTimeout()` when `promise` has not settled within `ms`. The late promise's own
 * outcome is swallowed: nobody waits for it any more, and its rejection must not go unhandled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `operation` and retries it after a transport error, at most `attemptsMax` times in all,
 * with capped exponential backoff. Only safe for operations that may be repeated: reads, and
 * appends that pin an explicit expected revision and resend the same event ids.
 */
export async function retryTransportErrors<T>(
  operation: () => Promise<T>,
  attemptsMax: number,
  backoff: Backoff,
  onRetry: (error: unknown) => void = () => undefined,
): Promise<T> {
  assert.ok(Number.isInteger(attemptsMax) && attemptsMax >= 1, 'attemptsMax must be a positive integer');
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransportError(error) || attempt + 1 >= attemptsMax) throw error;
      onRetry(error);
      await sleep(backoffDelayMs(backoff, attempt));
    }
  }
}
