import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Observable } from 'rxjs';
import { ConcurrencyConflict } from '../common/errors';
import type { EventMetadata } from '../common/event';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store';
import { assertExpected, matchesExpected } from './expected-revision';
import { GroupCommit, type GroupCommitStats, type Outcome } from './group-commit';
import { canonicalJson, chainMetadata, GENESIS_HASH } from './hash-chain';

export const SCHEMA_VERSION_EVENTS = 1;
/** How long a writer waits for another process's write lock before failing (blocks the loop). */
export const BUSY_TIMEOUT_MS = 5_000;
export const POLL_INTERVAL_MS_DEFAULT = 500;
export const BATCH_MAX_APPENDS_DEFAULT = 256;
export const READ_ALL_PAGE_SIZE_DEFAULT = 1_000;
/** Events a subscription reads per step; it yields to the event loop between pages. */
export const SUBSCRIPTION_PAGE_SIZE = 500;
/** Rows this connection last committed that stay in memory for reads of the log's tail. */
export const COMMITTED_TAIL_MAX = 4_096;

export interface SqliteEventStoreOptions {
  /** How often an idle subscription looks for events committed by another process. */
  pollIntervalMs?: number;
  /** Most appends committed together in one transaction. */
  batchMaxAppends?: number;
}

export type SqliteEventStoreStats = GroupCommitStats;

const SQLITE_MEMORY = ':memory:';

/*
 * Event ids are UUIDs. A canonical lowercase UUID is stored as its 16 raw bytes instead of 36
 * characters of text: the unique index on id takes random keys, so every insert lands on a
 * random index page; smaller keys mean more keys per page, fewer pages dirtied per commit and a
 * smaller index to keep in cache (bench-peers.md: random UUID keys amplified writes ~17x).
 * Any other id (an uppercase UUID, a test's 'e1') is kept as TEXT, so every id round-trips to
 * exactly the string it was given; SQLite never equates a BLOB with a TEXT.
 */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_BYTES = 16;

function encodeId(id: string): Buffer | string {
  return CANONICAL_UUID.test(id) ? Buffer.from(id.replace(/-/g, ''), 'hex') : id;
}

function decodeId(stored: Buffer | string): string {
  if (typeof stored === 'string') return stored;
  assert.equal(stored.length, UUID_BYTES, 'a BLOB event id is a 16-byte UUID');
  const h = stored.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY,
    id        BLOB    NOT NULL,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
  CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events (id);
`;
// position is the rowid: no AUTOINCREMENT needed because rows are never deleted, so max+1 never
// reuses a position, and commits are serialised by SQLite's write lock, so a reader that sees
// position n has every position below n as well (no gaps for a subscription to skip).

/** A row as read with safe integers on: every INTEGER comes back as a bigint. */
interface EventRow {
  position: bigint;
  id: Buffer | string;
  stream_id: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
}

interface IdRow {
  stream_id: string;
  revision: bigint;
  position: bigint;
}

interface SerializedEvent {
  id: string;
  key: Buffer | string;
  type: string;
  /** Canonical JSON (docs/audit.md): stored as is and hashed as is, so an append serialises its data once. */
  data: string;
  metadata: Record<string, unknown>;
}

/** A stream's last event: its revision (-1 for no stream) and the hash the next append chains from. */
interface StreamHead {
  revision: number;
  hash: string;
}

/** Streams whose head stays in memory; past this they are all forgotten and looked up in the file again. */
export const STREAM_HEADS_MAX = 50_000;

interface AppendRequest {
  streamId: string;
  events: readonly SerializedEvent[];
  expected: ExpectedRevision;
}

/** Commits by any SqliteEventStore in this process: another connection's commit here is seen at once. */
let commitEpoch = 0;

function closedError(): Error {
  return new Error('SqliteEventStore is closed');
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: decodeId(row.id),
    type: row.type,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
}

/**
 * Duck-typed, not `instanceof SqliteError`: the native addon keeps the error class of whichever
 * copy of better-sqlite3 loaded it first, so under jest's per-file module registries (or two
 * copies in node_modules) the class check silently fails.
 */
function isUniqueIdViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.id');
}

function serialize(event: NewEvent): SerializedEvent {
  assert.ok(typeof event.id === 'string' && event.id.length > 0, 'event id must be a non-empty string');
  assert.ok(typeof event.type === 'string' && event.type.length > 0, `event ${event.id}: type must be a non-empty string`);
  assert.ok(typeof event.metadata === 'object' && event.metadata !== null, `event ${event.id}: metadata must be an object`);
  assert.ok(event.data !== undefined && typeof event.data !== 'function' && typeof event.data !== 'symbol', `event ${event.id}: data must be JSON-serialisable`);
  return { id: event.id, key: encodeId(event.id), type: event.type, data: canonicalJson(event.data), metadata: { ...event.metadata } };
}

/**
 * The embedded EventStore: one SQLite file in WAL mode with synchronous=FULL, so an append is
 * acknowledged only once it is on disk. Appends are group-committed (see GroupCommit): many
 * appends share one transaction and one fsync, each checked on its own inside a savepoint.
 */
export class SqliteEventStore implements EventStore {
  private closed = false;
  private readonly group: GroupCommit<AppendRequest, AppendResult>;
  /** Woken after every commit, so idle subscriptions read at once instead of at the next poll. */
  private readonly commitListeners = new Set<() => void>();
  /** Completes each live subscription when the store closes. */
  private readonly subscriptionClosers = new Set<() => void>();
  private readonly pollIntervalMs: number;
  /**
   * Stream heads as committed through this connection or read from the file. Trusted only while
   * no other connection has committed (`PRAGMA data_version` unchanged); forgotten when one has.
   */
  private readonly heads = new Map<string, StreamHead>();
  /** Heads of the batch being committed, kept apart until its COMMIT succeeds. */
  private batchHeads = new Map<string, StreamHead>();
  private dataVersion: bigint | undefined;
  private versionCheckedInTurn = false;
  private versionCheckedAtEpoch = -1;
  /**
   * The rows this connection committed since another connection last did, in position order and
   * without gaps (positions are rowids, so none can hide between them): a subscription reading just
   * behind the head gets them from here instead of reading back what it was just told was written.
   */
  private tail: EventRow[] = [];
  /** Rows of the batch being committed, kept apart until its COMMIT succeeds. */
  private batchRows: EventRow[] = [];
  private readonly limitedStatements = new Map<string, Database.Statement<[string, number] | [bigint], EventRow>>();

  private readonly stmts: {
    insert: Database.Statement<[Buffer | string, string, number, string, string, string]>;
    byId: Database.Statement<[Buffer | string], IdRow>;
    lastRevision: Database.Statement<[string], bigint>;
    lastMetadata: Database.Statement<[string], string>;
    head: Database.Statement<[], bigint>;
    readStream: Database.Statement<[string, number], EventRow>;
    dataVersion: Database.Statement<[], bigint>;
  };
  private readonly commitBatchTx: (batch: readonly AppendRequest[]) => Array<Outcome<AppendResult>>;
  private readonly appendOneTx: (request: AppendRequest) => AppendResult;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS_DEFAULT;
    const batchMaxAppends = options.batchMaxAppends ?? BATCH_MAX_APPENDS_DEFAULT;
    assert.ok(Number.isInteger(this.pollIntervalMs) && this.pollIntervalMs >= 1, 'pollIntervalMs must be a positive integer');
    assert.ok(Number.isInteger(batchMaxAppends) && batchMaxAppends >= 1, 'batchMaxAppends must be a positive integer');

    this.stmts = {
      insert: db.prepare(
        'INSERT INTO events (id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      byId: db.prepare('SELECT stream_id, revision, position FROM events WHERE id = ?'),
      lastRevision: db
        .prepare<[string], bigint>('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1')
        .pluck(),
      lastMetadata: db
        .prepare<[string], string>('SELECT metadata FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1')
        .pluck(),
      head: db.prepare<[], bigint>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
      readStream: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`),
      dataVersion: db.prepare<[], bigint>('PRAGMA data_version').pluck(),
    };

    // Called inside the batch transaction, better-sqlite3 runs this as a SAVEPOINT: a failing
    // append rolls back only its own events and the rest of the batch still commits.
    this.appendOneTx = db.transaction((request: AppendRequest) => this.appendOne(request));
    const batchTx = db.transaction((batch: readonly AppendRequest[]) => {
      // Under the write lock: what other connections committed before it is seen now, and nothing after.
      this.forgetIfOthersCommitted(true);
      return batch.map((request): Outcome<AppendResult> => {
        try {
          return { ok: true, value: this.appendOneTx(request) };
        } catch (error) {
          // SQLite rolled the whole transaction back (I/O error, disk full): nothing is committed.
          if (!db.inTransaction) throw error;
          return { ok: false, error };
        }
      });
    });
    // IMMEDIATE takes the write lock up front, so a writer in another process makes us wait
    // (busy_timeout) instead of failing a read-to-write upgrade halfway through the batch.
    this.commitBatchTx = (batch) => batchTx.immediate(batch);
    this.group = new GroupCommit((batch) => this.commitBatch(batch), batchMaxAppends);
  }

  /** Opens (creating if absent) the event store in `filePath`. */
  static open(filePath: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    assert.ok(typeof filePath === 'string' && filePath.length > 0, 'filePath must be a non-empty string');
    const db = new Database(filePath);
    try {
      db.defaultSafeIntegers(true);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal' && filePath !== SQLITE_MEMORY) {
        throw new Error(`${filePath}: could not switch to WAL mode (journal_mode is ${String(mode)})`);
      }
      // FULL: in WAL mode the log is fsynced on every commit, so an acknowledged append
      // survives power loss (NORMAL would only survive an application crash).
      db.pragma('synchronous = FULL');
      migrate(db, filePath);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) throw closedError();
    assert.ok(typeof streamId === 'string' && streamId.length > 0, 'streamId must be a non-empty string');
    assert.ok(Array.isArray(events), 'events must be an array');
    assertExpected(expected);
    const serialized = events.map(serialize);
    const ids = new Set(serialized.map((e) => e.id));
    assert.equal(ids.size, serialized.length, `append to ${streamId}: event ids must be unique within one append`);
    return this.group.submit({ streamId, events: serialized, expected });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw closedError();
    assert.ok(typeof streamId === 'string' && streamId.length > 0, 'streamId must be a non-empty string');
    const fromRevision = options.fromRevision ?? 0;
    assert.ok(Number.isSafeInteger(fromRevision) && fromRevision >= 0, 'fromRevision must be an integer >= 0');
    const maxCount = options.maxCount;
    assert.ok(maxCount === undefined || (Number.isSafeInteger(maxCount) && maxCount >= 0), 'maxCount must be an integer >= 0');
    const head = this.knownHead(streamId);
    // Nothing past the head: answered from memory, which is what makes re-reading a folded stream cheap.
    if (head !== undefined && fromRevision > head.revision) return [];
    const rows = maxCount === undefined ? this.stmts.readStream.all(streamId, fromRevision) : this.limited('readStream', maxCount).all(streamId, fromRevision);
    const events = rows.map(toRecordedEvent);
    const last = events[events.length - 1];
    if (maxCount === undefined || events.length < maxCount) {
      if (last !== undefined && typeof last.metadata.hash === 'string') this.rememberHead(streamId, { revision: last.revision, hash: last.metadata.hash });
      else if (last === undefined && fromRevision === 0) this.rememberHead(streamId, { revision: -1, hash: GENESIS_HASH });
    }
    return events;
  }

  async readAll(after: Position, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw closedError();
    const maxCount = options.maxCount ?? READ_ALL_PAGE_SIZE_DEFAULT;
    assert.ok(Number.isSafeInteger(maxCount) && maxCount >= 1, 'maxCount must be an integer >= 1');
    return this.readPage(after, maxCount);
  }

  async headPosition(): Promise<Position> {
    if (this.closed) throw closedError();
    return this.stmts.head.get() ?? 0n;
  }

  /**
   * A pull-based pump per subscriber: read a page after the last emitted position, emit it,
   * and when caught up wait for this store's next commit or the poll timer (which also sees
   * other processes' commits). Reading from the last emitted position is what makes it never
   * skip or repeat, whatever the timing of the wake-ups. Completes when the store closes.
   */
  subscribeAll(after: Position): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      assert.ok(typeof after === 'bigint' && after >= 0n, 'after must be a bigint >= 0n');
      if (this.closed) {
        subscriber.error(closedError());
        return undefined;
      }
      let last = after;
      let stopped = false;
      let immediate: NodeJS.Immediate | undefined;
      let pollTimer: NodeJS.Timeout | undefined;

      const stopWaiting = (): void => {
        this.commitListeners.delete(wake);
        if (pollTimer !== undefined) clearTimeout(pollTimer);
        pollTimer = undefined;
      };
      const stop = (): void => {
        stopped = true;
        stopWaiting();
        if (immediate !== undefined) clearImmediate(immediate);
        immediate = undefined;
        this.subscriptionClosers.delete(completeOnClose);
      };
      const completeOnClose = (): void => {
        stop();
        subscriber.complete();
      };
      const schedulePump = (): void => {
        immediate ??= setImmediate(pump);
      };
      const wake = (): void => {
        stopWaiting();
        schedulePump();
      };
      const pump = (): void => {
        immediate = undefined;
        if (stopped) return;
        let page: RecordedEvent[];
        try {
          page = this.readPage(last, SUBSCRIPTION_PAGE_SIZE);
        } catch (error) {
          stop();
          subscriber.error(error);
          return;
        }
        for (const event of page) {
          if (stopped) return;
          last = event.position;
          subscriber.next(event);
        }
        if (stopped) return;
        if (page.length === SUBSCRIPTION_PAGE_SIZE) {
          schedulePump();
          return;
        }
        // Registered synchronously after the read: a commit in this process cannot slip between.
        this.commitListeners.add(wake);
        pollTimer = setTimeout(wake, this.pollIntervalMs);
        pollTimer.unref();
      };

      this.subscriptionClosers.add(completeOnClose);
      // Start on the next turn, not inside subscribe(): the caller holds its Subscription
      // before the first event arrives.
      schedulePump();
      return stop;
    });
  }

  /** Group-commit counters: `commits < appends` shows appends shared transactions. */
  stats(): SqliteEventStoreStats {
    return this.group.stats();
  }

  /** Commits pending appends, completes subscriptions, closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.group.drain();
    this.closed = true;
    for (const complete of [...this.subscriptionClosers]) complete();
    this.commitListeners.clear();
    this.db.close();
  }

  private commitBatch(batch: readonly AppendRequest[]): Array<Outcome<AppendResult>> {
    if (this.closed) throw closedError();
    this.batchHeads = new Map();
    this.batchRows = [];
    const outcomes = this.commitBatchTx(batch);
    commitEpoch += 1;
    // Our own commit is not another connection's: what was checked before it still holds.
    if (this.versionCheckedAtEpoch === commitEpoch - 1) this.versionCheckedAtEpoch = commitEpoch;
    for (const [streamId, head] of this.batchHeads) this.rememberHead(streamId, head);
    this.extendTail(this.batchRows);
    this.batchHeads = new Map();
    this.batchRows = [];
    for (const wake of [...this.commitListeners]) wake();
    return outcomes;
  }

  /** One append inside the batch transaction; throws to roll back its savepoint. */
  private appendOne({ streamId, events, expected }: AppendRequest): AppendResult {
    const first = events[0];
    const storedFirst = first === undefined ? undefined : this.stmts.byId.get(first.key);
    // A retry is recognised before the revision check: its expected revision is stale by design.
    if (storedFirst !== undefined) return this.originalResult(streamId, events);

    const head = this.knownHead(streamId);
    const current = head?.revision ?? this.currentRevision(streamId);
    if (!matchesExpected(expected, current)) {
      throw new ConcurrencyConflict(streamId, String(expected), current === -1 ? 'no_stream' : String(current));
    }
    if (events.length === 0) return { nextRevision: current, position: this.stmts.head.get() ?? 0n };

    // The hash chain is computed here, inside the write transaction, so concurrent writers cannot fork it.
    const chained = chainMetadata(streamId, current + 1, head?.hash ?? this.lastHash(streamId, current), events.map((event) => ({ type: event.type, canonicalData: event.data, metadata: event.metadata })));
    let position = 0n;
    const rows: EventRow[] = [];
    events.forEach((event, i) => {
      try {
        const metadata = JSON.stringify(chained[i]);
        const info = this.stmts.insert.run(event.key, streamId, current + 1 + i, event.type, event.data, metadata);
        position = BigInt(info.lastInsertRowid);
        rows.push({ position, id: event.key, stream_id: streamId, revision: BigInt(current + 1 + i), type: event.type, data: event.data, metadata });
      } catch (error) {
        if (!isUniqueIdViolation(error)) throw error;
        throw new Error(
          `append to ${streamId}: event ${event.id} is already stored but ${events[0]?.id} is not: ` +
            'a retry must resend exactly the events of the original append',
        );
      }
    });
    // Only once every insert has succeeded: a failed append's savepoint leaves no head or row behind.
    this.batchRows.push(...rows);
    this.batchHeads.set(streamId, { revision: current + events.length, hash: chained[chained.length - 1]?.['hash'] as string });
    return { nextRevision: current + events.length, position };
  }

  /** The result of the append these ids were first stored by, if it really was that append. */
  private originalResult(streamId: string, events: readonly SerializedEvent[]): AppendResult {
    let previous: IdRow | undefined;
    for (const event of events) {
      const stored = this.stmts.byId.get(event.key);
      if (stored === undefined || stored.stream_id !== streamId || (previous !== undefined && stored.revision <= previous.revision)) {
        const where = stored === undefined ? 'is not stored' : `is stored in ${stored.stream_id} at revision ${stored.revision}`;
        throw new Error(
          `append to ${streamId} repeats stored event ids but is not a retry: event ${event.id} ${where}; ` +
            'a retry must resend the same events, in the same order, to the same stream',
        );
      }
      previous = stored;
    }
    assert.ok(previous !== undefined);
    return { nextRevision: Number(previous.revision), position: previous.position };
  }

  /**
   * A read with its LIMIT written into the SQL: with a bound LIMIT the same query runs 2-3 times
   * slower (bench: 1-row pages of readAll, 10 vs 29 µs). Page sizes are few, so are the statements.
   */
  private limited(query: 'readStream', maxCount: number): Database.Statement<[string, number], EventRow>;
  private limited(query: 'readAll', maxCount: number): Database.Statement<[bigint], EventRow>;
  private limited(query: 'readStream' | 'readAll', maxCount: number): Database.Statement<[string, number] | [bigint], EventRow> {
    const key = `${query}:${maxCount}`;
    let statement = this.limitedStatements.get(key);
    if (statement === undefined) {
      assert.ok(Number.isSafeInteger(maxCount) && maxCount >= 0);
      statement =
        query === 'readStream'
          ? this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ${maxCount}`)
          : this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ${maxCount}`);
      this.limitedStatements.set(key, statement);
    }
    return statement as Database.Statement<[string, number] | [bigint], EventRow>;
  }

  /** The stream's head if this connection knows it and no other connection has committed since. */
  private knownHead(streamId: string): StreamHead | undefined {
    this.forgetIfOthersCommitted();
    return this.batchHeads.get(streamId) ?? this.heads.get(streamId);
  }

  /** What this connection remembers of the file holds only while no other connection commits to it. */
  private forgetIfOthersCommitted(fresh = false): void {
    // At most once per turn of the event loop, unless a connection in this process has committed
    // since: a read answered from memory then is one taken a moment earlier, and appends always
    // ask afresh, under the write lock.
    if (!fresh && this.versionCheckedInTurn && this.versionCheckedAtEpoch === commitEpoch) return;
    if (!this.versionCheckedInTurn) {
      this.versionCheckedInTurn = true;
      setImmediate(() => {
        this.versionCheckedInTurn = false;
      });
    }
    this.versionCheckedAtEpoch = commitEpoch;
    const version = this.stmts.dataVersion.get();
    if (version === this.dataVersion) return;
    this.heads.clear();
    this.tail = [];
    this.dataVersion = version;
  }

  private extendTail(rows: readonly EventRow[]): void {
    const first = rows[0];
    if (first === undefined) return;
    const last = this.tail[this.tail.length - 1];
    if (last !== undefined && first.position !== last.position + 1n) this.tail = [];
    this.tail.push(...rows);
    if (this.tail.length > COMMITTED_TAIL_MAX) this.tail = this.tail.slice(this.tail.length - COMMITTED_TAIL_MAX);
  }

  /** The page after `after` from the committed tail, or undefined when the tail does not cover it. */
  private pageFromTail(after: Position, maxCount: number): EventRow[] | undefined {
    this.forgetIfOthersCommitted();
    const first = this.tail[0];
    if (first === undefined || after < first.position - 1n) return undefined;
    const start = Number(after - first.position + 1n);
    return this.tail.slice(start, start + maxCount);
  }

  private rememberHead(streamId: string, head: StreamHead): void {
    if (this.heads.size >= STREAM_HEADS_MAX && !this.heads.has(streamId)) this.heads.clear();
    this.heads.set(streamId, head);
  }

  private lastHash(streamId: string, current: number): string {
    if (current < 0) return GENESIS_HASH;
    const metadata = this.stmts.lastMetadata.get(streamId);
    const hash = metadata === undefined ? undefined : (JSON.parse(metadata) as { hash?: unknown }).hash;
    assert.ok(typeof hash === 'string', `stream ${streamId}: its last event carries no hash`);
    return hash;
  }

  private currentRevision(streamId: string): number {
    const revision = this.stmts.lastRevision.get(streamId);
    return revision === undefined ? -1 : Number(revision);
  }

  private readPage(after: Position, maxCount: number): RecordedEvent[] {
    if (this.closed) throw closedError();
    assert.ok(typeof after === 'bigint' && after >= 0n, 'after must be a bigint >= 0n');
    return (this.pageFromTail(after, maxCount) ?? this.limited('readAll', maxCount).all(after)).map(toRecordedEvent);
  }
}

function migrate(db: Database.Database, filePath: string): void {
  // IMMEDIATE: two processes opening a new file at once must not both create the schema.
  db.transaction(() => {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version === SCHEMA_VERSION_EVENTS) return;
    if (version > SCHEMA_VERSION_EVENTS) {
      throw new Error(`${filePath}: event store schema ${version} is newer than this build (${SCHEMA_VERSION_EVENTS})`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION_EVENTS}`);
  }).immediate();
}
