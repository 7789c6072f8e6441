import assert from 'node:assert';
import { Subscription } from 'rxjs';
import type { EventStore, Position, RecordedEvent } from '../event-store/event-store';
import { batchUntilIdle } from './batch-until-idle';
import type { Projection } from './projection';
import { statement, type ReadDatabase } from './read-store';

export interface ProjectionStatus {
  name: string;
  version: number;
  position: Position;
}

export interface RunnerOptions {
  /** Events applied in one read-store transaction, at most. */
  batchMax: number;
  /** How long a command waits for the projections to reach its position before failing. */
  waitTimeoutMs: number;
}

const DEFAULTS: RunnerOptions = { batchMax: 1000, waitTimeoutMs: 30_000 };

type Waiter = { position: Position; resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout | undefined };

/**
 * Feeds every projection from one `$all` subscription. Each batch and the checkpoints of the
 * projections it advanced commit in one read-store transaction, so a crash never applies an
 * event twice or skips one. An event at or below a projection's checkpoint is not applied again.
 */
export class ProjectionRunner {
  private readonly options: RunnerOptions;
  private readonly checkpoints = new Map<string, Position>();
  private subscription: Subscription | null = null;
  private waiters: Waiter[] = [];
  private failure: Error | null = null;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    readonly projections: readonly Projection[],
    options: Partial<RunnerOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    assert(new Set(projections.map((p) => p.name)).size === projections.length, 'projection names must be unique');
  }

  /**
   * Creates tables and indexes, and drops and resets every projection whose stored version differs
   * from its code or whose last rebuild never finished (its rows may not all be durable).
   */
  prepare(): string[] {
    const rebuilt: string[] = [];
    this.db.transaction(() => {
      for (const projection of this.projections) {
        const row = statement(this.db, 'SELECT version, position, rebuilding FROM projection_checkpoints WHERE name = ?')
          .safeIntegers(true)
          .get(projection.name) as { version: bigint; position: bigint; rebuilding: bigint } | undefined;
        if (row && Number(row.version) === projection.version && row.rebuilding === 0n) {
          projection.setup(this.db);
          projection.setupIndexes?.(this.db);
          this.checkpoints.set(projection.name, row.position);
          continue;
        }
        if (row) rebuilt.push(projection.name);
        this.resetProjection(projection, false);
      }
    })();
    return rebuilt;
  }

  /** Catches up to the store's head as of now, then stays live. */
  async start(): Promise<void> {
    if (this.checkpoints.size === 0) this.prepare();
    const head = await this.store.headPosition();
    this.subscription = this.store
      .subscribeAll(this.position())
      .pipe(batchUntilIdle(this.options.batchMax))
      .subscribe({
        next: (batch) => this.applyOrFail(batch),
        error: (error: Error) => this.fail(error),
      });
    // The first catch-up may be long (a new projection over a big ledger): no command is waiting on it.
    await this.waitFor(head, null);
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.subscription = null;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('projection runner stopped'));
    }
    this.waiters = [];
  }

  /** The position every projection has reached (the lowest checkpoint). */
  position(): Position {
    let lowest: Position | null = null;
    for (const position of this.checkpoints.values()) if (lowest === null || position < lowest) lowest = position;
    return lowest ?? 0n;
  }

  status(): ProjectionStatus[] {
    return this.projections.map((p) => ({ name: p.name, version: p.version, position: this.checkpoints.get(p.name) ?? 0n }));
  }

  get error(): Error | null {
    return this.failure;
  }

  /** Resolves once every projection has applied `position` (read-your-writes for a command's response). */
  waitFor(position: Position, timeoutMs: number | null = this.options.waitTimeoutMs): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.position() >= position) return Promise.resolve();
    if (this.stopped) return Promise.reject(new Error('projection runner stopped'));
    return new Promise<void>((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              this.waiters = this.waiters.filter((w) => w !== waiter);
              reject(new Error(`projections did not reach position ${position} within ${timeoutMs} ms`));
            }, timeoutMs);
      const waiter: Waiter = { position, resolve, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** Applies a batch in one transaction: the projections' rows and their checkpoints together. */
  applyBatch(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const reachedByProjection = new Map<string, Position>();
    // IMMEDIATE, and checkpoints read inside the transaction: another process running a runner on
    // the same read store (a CLI beside the server) is serialised here and never re-applies an event.
    const apply = this.db.transaction(() => {
        for (const projection of this.projections) {
          const checkpoint = this.storedCheckpoint(projection.name);
          let reached = checkpoint;
          for (const event of events) {
            if (event.position <= checkpoint) continue;
            if (projection.handles.has(event.type)) projection.apply(this.db, event);
            reached = event.position;
          }
          projection.endBatch?.(this.db);
          if (reached !== checkpoint) {
            statement(this.db, 'UPDATE projection_checkpoints SET position = ? WHERE name = ?').run(reached, projection.name);
          }
          reachedByProjection.set(projection.name, reached);
        }
      });
    try {
      apply.immediate();
    } catch (error) {
      for (const projection of this.projections) projection.abortBatch?.(this.db);
      throw error;
    }
    // Only after the commit: memory never runs ahead of what is durable in the read store.
    for (const [name, reached] of reachedByProjection) this.checkpoints.set(name, reached);
    this.releaseWaiters();
  }

  private storedCheckpoint(name: string): Position {
    const row = statement(this.db, 'SELECT position FROM projection_checkpoints WHERE name = ?').safeIntegers(true).get(name) as
      | { position: bigint }
      | undefined;
    return row?.position ?? 0n;
  }

  /**
   * Drops the named projections (all when none are named) and replays them from position 0,
   * page by page, reporting progress. For the CLI, with the live subscription stopped.
   *
   * A rebuild recreates rows from the events, so its batches are not synced one by one
   * (`synchronous=OFF`) and its projections' indexes are built once after the replay. They count
   * as current only once the database file holds every row, synced (a TRUNCATE checkpoint): until
   * then they stay marked `rebuilding`, and a restart after a crash rebuilds them again.
   */
  async rebuild(names: readonly string[] = [], onProgress?: (position: Position, head: Position) => void): Promise<void> {
    const unknown = names.filter((n) => !this.projections.some((p) => p.name === n));
    // A live batch landing mid-rebuild could push a just-reset checkpoint past unreplayed events.
    assert(this.subscription === null, 'rebuild needs the live subscription stopped');
    if (unknown.length > 0) throw new Error(`unknown projection ${unknown.join(', ')}; known: ${this.projections.map((p) => p.name).join(', ')}`);
    if (this.checkpoints.size === 0) this.prepare();
    const chosen = names.length === 0 ? this.projections : this.projections.filter((p) => names.includes(p.name));
    this.db.transaction(() => chosen.forEach((p) => this.resetProjection(p, true)))();
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = OFF');
    try {
      const head = await this.store.headPosition();
      let after = this.position();
      for (;;) {
        const page = await this.store.readAll(after, { maxCount: this.options.batchMax });
        const last = page[page.length - 1];
        if (!last) break;
        this.applyBatch(page);
        after = last.position;
        onProgress?.(after, head);
      }
      this.db.transaction(() => chosen.forEach((p) => p.setupIndexes?.(this.db)))();
    } finally {
      this.db.pragma(`synchronous = ${synchronous}`);
    }
    const [checkpoint] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (checkpoint?.busy !== 0) throw new Error('rebuild: another connection kept the read store from being checkpointed; run the rebuild with the server stopped');
    const done = statement(this.db, 'UPDATE projection_checkpoints SET rebuilding = 0 WHERE name = ?');
    this.db.transaction(() => chosen.forEach((p) => done.run(p.name)))();
  }

  private resetProjection(projection: Projection, rebuilding: boolean): void {
    projection.drop(this.db);
    projection.setup(this.db);
    if (!rebuilding) projection.setupIndexes?.(this.db);
    statement(this.db, 'INSERT OR REPLACE INTO projection_checkpoints (name, version, position, rebuilding) VALUES (?, ?, 0, ?)').run(
      projection.name,
      projection.version,
      rebuilding ? 1 : 0,
    );
    this.checkpoints.set(projection.name, 0n);
  }

  private applyOrFail(batch: RecordedEvent[]): void {
    try {
      this.applyBatch(batch);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    this.subscription?.unsubscribe();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters = [];
  }

  private releaseWaiters(): void {
    const reached = this.position();
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.position <= reached) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      } else still.push(waiter);
    }
    this.waiters = still;
  }
}
