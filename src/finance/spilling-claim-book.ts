import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClaimBook, LedgerClaim } from './journal';

/** Claims kept in memory while replaying; past this, the least recently used spill to a scratch file. */
export const CLAIM_CACHE_MAX = 5_000;
/** Claims written to the scratch file in one transaction when the cache overflows. */
export const SPILL_BATCH = 2_000;
/** Claims read back per page when listing them in order. */
const LIST_PAGE = 1_000;

/**
 * A ClaimBook in bounded memory: an LRU cache of claims, the rest in a scratch SQLite file that
 * exists only once the cache first overflows and is deleted on close. A replay of any length
 * holds at most CLAIM_CACHE_MAX claims in memory.
 */
export class SpillingClaimBook implements ClaimBook {
  private readonly cache = new Map<string, LedgerClaim>();
  private scratchDir: string | null = null;
  private db: Database.Database | null = null;
  private select: Database.Statement | null = null;

  constructor(private readonly cacheMax: number = CLAIM_CACHE_MAX) {}

  get(claimId: string): LedgerClaim | undefined {
    const cached = this.cache.get(claimId);
    if (cached !== undefined) {
      this.cache.delete(claimId);
      this.cache.set(claimId, cached);
      return cached;
    }
    if (this.select === null) return undefined;
    const row = this.select.get(claimId) as { state: string } | undefined;
    if (row === undefined) return undefined;
    const claim = JSON.parse(row.state) as LedgerClaim;
    this.set(claimId, claim);
    return claim;
  }

  set(claimId: string, claim: LedgerClaim): void {
    this.cache.delete(claimId);
    this.cache.set(claimId, claim);
    if (this.cache.size > this.cacheMax) this.spill(Math.min(SPILL_BATCH, this.cache.size));
  }

  /** Every claim, ordered by the UTF-8 bytes of its id (SQLite's BINARY order), read page by page. */
  *claimsInOrder(): Generator<LedgerClaim> {
    if (this.db === null) {
      const ids = [...this.cache.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      for (const id of ids) yield this.cache.get(id) as LedgerClaim;
      return;
    }
    this.spill(this.cache.size);
    const page = this.db.prepare('SELECT claim_id, state FROM claims WHERE claim_id > ? ORDER BY claim_id LIMIT ?');
    let after = '';
    for (;;) {
      const rows = page.all(after, LIST_PAGE) as Array<{ claim_id: string; state: string }>;
      for (const row of rows) yield JSON.parse(row.state) as LedgerClaim;
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      after = last.claim_id;
    }
  }

  close(): void {
    this.cache.clear();
    this.db?.close();
    this.db = null;
    this.select = null;
    if (this.scratchDir !== null) fs.rmSync(this.scratchDir, { recursive: true, force: true });
    this.scratchDir = null;
  }

  private spill(count: number): void {
    const db = this.scratch();
    const upsert = db.prepare('INSERT INTO claims (claim_id, state) VALUES (?, ?) ON CONFLICT (claim_id) DO UPDATE SET state = excluded.state');
    db.transaction(() => {
      let spilled = 0;
      for (const [id, claim] of this.cache) {
        if (spilled++ >= count) break;
        upsert.run(id, JSON.stringify(claim));
        this.cache.delete(id);
      }
    })();
  }

  private scratch(): Database.Database {
    if (this.db !== null) return this.db;
    this.scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-replay-'));
    const db = new Database(path.join(this.scratchDir, 'claims.sqlite'));
    // Scratch only: nothing here outlives the replay, so durability is not wanted.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE claims (claim_id TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID');
    this.db = db;
    this.select = db.prepare('SELECT state FROM claims WHERE claim_id = ?');
    return db;
  }
}
