import assert from 'node:assert/strict';

/** What one request in a committed batch came to: its own result or its own error. */
export type Outcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * Commits a batch in one durable transaction and returns one outcome per request, in order.
 * Throwing means nothing in the batch was committed: every request in it is rejected.
 */
export type CommitBatch<Request, Result> = (batch: readonly Request[]) => Array<Outcome<Result>>;

export interface GroupCommitStats {
  /** Batches committed (each one transaction, one fsync). */
  commits: number;
  /** Requests settled by those batches. */
  appends: number;
  /** Largest batch committed so far. */
  largestBatch: number;
}

interface Pending<Request, Result> {
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests submitted in the same tick are committed together on the next
 * `setImmediate`, so many appends share one transaction and one fsync. A promise settles only
 * after the batch's commit has returned, so an acknowledged request is durable.
 */
export class GroupCommit<Request, Result> {
  private readonly queue: Array<Pending<Request, Result>> = [];
  private flushHandle: NodeJS.Immediate | undefined;
  private readonly counters: GroupCommitStats = { commits: 0, appends: 0, largestBatch: 0 };

  constructor(
    private readonly commitBatch: CommitBatch<Request, Result>,
    private readonly batchMaxRequests: number,
  ) {
    assert.ok(Number.isInteger(batchMaxRequests) && batchMaxRequests >= 1, 'batchMaxRequests must be a positive integer');
  }

  submit(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.flushHandle ??= setImmediate(() => this.flushScheduled());
    });
  }

  /** Commits everything queued, now, synchronously (used when closing). */
  drain(): void {
    if (this.flushHandle !== undefined) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    while (this.queue.length > 0) this.flushOne();
  }

  get pending(): number {
    return this.queue.length;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private flushScheduled(): void {
    this.flushHandle = undefined;
    this.flushOne();
    // Yield between batches so reads and timers run while a long queue is worked off.
    if (this.queue.length > 0) this.flushHandle = setImmediate(() => this.flushScheduled());
  }

  private flushOne(): void {
    const batch = this.queue.splice(0, this.batchMaxRequests);
    if (batch.length === 0) return;
    let outcomes: Array<Outcome<Result>>;
    try {
      outcomes = this.commitBatch(batch.map((p) => p.request));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    assert.equal(outcomes.length, batch.length, 'commitBatch must return one outcome per request');
    this.counters.commits += 1;
    this.counters.appends += batch.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      assert.ok(outcome !== undefined);
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }
}
