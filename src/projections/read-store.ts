import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The read side's SQLite file, separate from the events. Projections own their tables; the
 * runner commits each batch with the projections' checkpoints in one database transaction.
 */
export type ReadDatabase = Database.Database;

export const openReadDatabase = (filePath: string): ReadDatabase => {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  // Read models are rebuilt from the events, so a lost last commit is replayed, never wrong.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    rebuilding INTEGER NOT NULL DEFAULT 0
  )`);
  // Read stores created before rebuilds were marked: a rebuild sets the mark and clears it once durable.
  const columns = db.prepare('PRAGMA table_info(projection_checkpoints)').all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === 'rebuilding')) db.exec('ALTER TABLE projection_checkpoints ADD COLUMN rebuilding INTEGER NOT NULL DEFAULT 0');
  return db;
};

const statements = new WeakMap<ReadDatabase, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per database and reused (projections run per event). */
export const statement = (db: ReadDatabase, sql: string): Database.Statement => {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) cache.set(sql, (prepared = db.prepare(sql)));
  return prepared;
};
