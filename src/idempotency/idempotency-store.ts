import type { ReadDatabase } from '../projections/read-store';
import { statement } from '../projections/read-store';

/** The first answer to a POST with an Idempotency-Key, kept to answer its retries the same way. */
export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Kept in the read-store file but outside every projection, so a rebuild keeps it. The event
 * store holds the same key in each event's metadata: a retry whose response was never saved is
 * still recognised there and appends nothing. The keys whose first request is still running are
 * held here too, one set for the whole app, whichever controller's interceptor sees them.
 */
export class IdempotencyStore {
  private readonly inFlight = new Set<string>();

  constructor(private readonly db: ReadDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_responses (
      idempotency_key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      status INTEGER NOT NULL,
      body TEXT NOT NULL,
      headers TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`);
  }

  /** Marks the key's request as running; false when one already is. */
  begin(key: string): boolean {
    if (this.inFlight.has(key)) return false;
    this.inFlight.add(key);
    return true;
  }

  end(key: string): void {
    this.inFlight.delete(key);
  }

  get(key: string): StoredResponse | null {
    const row = statement(this.db, 'SELECT fingerprint, status, body, headers FROM idempotency_responses WHERE idempotency_key = ?').get(key) as
      | { fingerprint: string; status: number; body: string; headers: string }
      | undefined;
    return row ? { fingerprint: row.fingerprint, status: row.status, body: JSON.parse(row.body), headers: JSON.parse(row.headers) } : null;
  }

  save(key: string, response: StoredResponse, createdAt: string): void {
    statement(
      this.db,
      'INSERT OR IGNORE INTO idempotency_responses (idempotency_key, fingerprint, status, body, headers, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(key, response.fingerprint, response.status, JSON.stringify(response.body ?? null), JSON.stringify(response.headers), createdAt);
  }
}
