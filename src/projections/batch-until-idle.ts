import assert from 'node:assert';
import { Observable } from 'rxjs';

/**
 * Groups the values a source emits back to back (a catch-up page, a group commit) into one
 * array, flushed when the source pauses for a macrotask or the batch reaches `batchMax`.
 * Unlike bufferTime it adds no fixed delay to a lone live event.
 */
export const batchUntilIdle =
  <T>(batchMax: number) =>
  (source: Observable<T>): Observable<T[]> => {
    assert(batchMax > 0, 'batchMax must be positive');
    return new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let timer: NodeJS.Immediate | null = null;
      const flush = (): void => {
        if (timer) clearImmediate(timer);
        timer = null;
        if (batch.length === 0) return;
        const ready = batch;
        batch = [];
        subscriber.next(ready);
      };
      const subscription = source.subscribe({
        next(value) {
          batch.push(value);
          if (batch.length >= batchMax) flush();
          else timer ??= setImmediate(flush);
        },
        error(error) {
          flush();
          subscriber.error(error);
        },
        complete() {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        if (timer) clearImmediate(timer);
        subscription.unsubscribe();
      };
    });
  };
