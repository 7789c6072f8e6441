import Database from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import type { Projection } from '../../src/projections/projection';

/** Every table the projections own (whatever their setup creates), plus the checkpoints. */
export const projectionTables = (projections: readonly Projection[] = ALL_PROJECTIONS): string[] => {
  const scratch = new Database(':memory:');
  try {
    projections.forEach((p) => p.setup(scratch));
    const names = (scratch.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
    return [...names, 'projection_checkpoints'];
  } finally {
    scratch.close();
  }
};

/**
 * Full, ordered contents of every projection table, to compare read models (incremental against
 * rebuilt, served against rebuilt). A table that does not exist dumps as null.
 */
export const dumpReadModel = (db: Database.Database, projections: readonly Projection[] = ALL_PROJECTIONS): Record<string, unknown[] | null> => {
  const out: Record<string, unknown[] | null> = {};
  for (const table of projectionTables(projections)) {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)) {
      out[table] = null;
      continue;
    }
    const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as unknown[]).length;
    const order = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
    out[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all();
  }
  return out;
};
