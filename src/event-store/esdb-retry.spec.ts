import { CancelledError, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { AppendTimeout, backoffDelayMs, isTransportError, retryTransportErrors, withTimeout } from './esdb-retry';

const FAST = { initialMs: 1, maxMs: 4 };

describe('esdb retry policy', () => {
  it('treats the node going away, a cancelled call, code 14 and our timeout as transport errors, and answers as answers', () => {
    expect(isTransportError(new UnavailableError())).toBe(true);
    expect(isTransportError(new CancelledError())).toBe(true);
    expect(isTransportError(Object.assign(new Error('Connection dropped'), { code: 14 }))).toBe(true);
    expect(isTransportError(new AppendTimeout('claim-1', 10))).toBe(true);
    expect(isTransportError(new WrongExpectedVersionError(undefined as never, { streamName: 's', current: 1n, expected: 0n }))).toBe(false);
    expect(isTransportError(Object.assign(new Error('Trying to read from an invalid position.'), { code: 3 }))).toBe(false);
    expect(isTransportError('14')).toBe(false);
  });

  it('backs off exponentially up to its cap', () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((attempt) => backoffDelayMs({ initialMs: 50, maxMs: 400 }, attempt))).toEqual([50, 100, 200, 400, 400, 400, 400]);
  });

  it('retries a transport error until the operation succeeds, within its attempts', async () => {
    let calls = 0;
    const retried: unknown[] = [];
    const result = await retryTransportErrors(
      async () => {
        calls += 1;
        if (calls < 3) throw new UnavailableError();
        return 'done';
      },
      3,
      FAST,
      (error) => retried.push(error),
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(retried).toHaveLength(2);
  });

  it('stops after its attempts, and never retries an answer', async () => {
    let calls = 0;
    await expect(
      retryTransportErrors(async () => {
        calls += 1;
        throw new UnavailableError();
      }, 4, FAST),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      retryTransportErrors(async () => {
        calls += 1;
        throw new Error('bad input');
      }, 4, FAST),
    ).rejects.toThrow('bad input');
    expect(calls).toBe(1);
  });

  it('times out a promise that does not settle, and swallows its late rejection', async () => {
    let rejectLate: (error: Error) => void = () => undefined;
    const late = new Promise<string>((_, reject) => (rejectLate = reject));
    await expect(withTimeout(late, 5, () => new AppendTimeout('claim-1', 5))).rejects.toBeInstanceOf(AppendTimeout);
    rejectLate(new Error('too late')); // must not surface as an unhandled rejection
    await expect(withTimeout(Promise.resolve('fast'), 1_000, () => new Error('no'))).resolves.toBe('fast');
  });
});
