/**
 * The journal projection on a real read-store file: the runner applying the same batch twice
 * changes nothing, and what the projection holds equals a replay of the same events, down to
 * every journal line the listing pages out.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { FinanceQueries, type JournalLineView } from '../../src/finance/finance-queries';
import { journalProjection } from '../../src/finance/journal.projection';
import type { JournalLine } from '../../src/finance/journal';
import { replayLedger } from '../../src/finance/ledger-replay';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { openReadDatabase } from '../../src/projections/read-store';
import fc from 'fast-check';
import { ledgerOf, scriptArb } from './lifecycles';

describe('journal projection (real SQLite files)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-projection-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies a batch once however often it is delivered, and agrees with the replay', async () => {
    const [script] = fc.sample(scriptArb.filter((s) => s.steps.length > 20), { numRuns: 1, seed: 11 });
    const events = ledgerOf(script!);
    const store = SqliteEventStore.open(path.join(dir, 'events.sqlite'));
    const db = openReadDatabase(path.join(dir, 'read.sqlite'));
    try {
      for (const e of events) {
        await store.append(e.streamId, [
          { id: randomUUID(), type: e.event.type, data: e.event.data, metadata: { schemaVersion: 1, actor: 't', correlationId: 'c', causationId: 'c', source: 'cli', recordedAt: new Date(e.atMs).toISOString() } },
        ], 'any');
      }
      const stored: RecordedEvent[] = await store.readAll(0n, { maxCount: 10_000 });
      expect(stored.length).toBe(events.length);
      const runner = new ProjectionRunner(store, db, [journalProjection]);
      runner.prepare();
      const half = Math.floor(stored.length / 2);
      runner.applyBatch(stored.slice(0, half));
      // Each posting is two lines, a debit and a credit.
      const count = (): number => (db.prepare('SELECT 2 * COUNT(*) AS n FROM journal_postings').get() as { n: number }).n;
      const afterFirst = count();
      runner.applyBatch(stored.slice(0, half));
      expect(count()).toBe(afterFirst);
      runner.applyBatch(stored);
      runner.applyBatch(stored);

      const queries = new FinanceQueries(db, store);
      const current = queries.currentTrialBalance();
      const replayed = await queries.trialBalanceAsOf({ position: stored[stored.length - 1]!.position });
      expect(current.accounts).toEqual(replayed.accounts);
      expect(current.position).toBe(replayed.position);
      const replayedLines: JournalLine[] = [];
      const replay = await replayLedger(store, { position: stored[stored.length - 1]!.position }, { onLine: (line) => void replayedLines.push(line) });
      replay.book.close();
      expect(count()).toBe(replay.journalLineCount);
      expect(count()).toBeGreaterThan(0);

      // The listing, paged with odd and even limits (a page may end on either line of a posting), gives the replay's lines.
      const view = (line: JournalLine): JournalLineView => ({ ...line, position: line.position.toString(10) });
      const listed = (filter: { claimId?: string; patientId?: string }, limit: number): JournalLineView[] => {
        const lines: JournalLineView[] = [];
        let cursor: string | undefined;
        do {
          const page = queries.journal({ ...filter, limit, ...(cursor !== undefined && { cursor }) });
          expect(page.lines.length).toBeLessThanOrEqual(limit);
          lines.push(...page.lines);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        return lines;
      };
      const all = replayedLines.map(view);
      for (const limit of [1, 2, 3, 1000]) expect(listed({}, limit)).toEqual(all);
      const claimId = replayedLines.find((l) => l.claimId !== null)!.claimId!;
      const patientId = replayedLines.find((l) => l.claimId === null && l.patientId !== null)?.patientId ?? replayedLines[0]!.patientId!;
      expect(listed({ claimId }, 3)).toEqual(all.filter((l) => l.claimId === claimId));
      expect(listed({ patientId }, 5)).toEqual(all.filter((l) => l.patientId === patientId));
      expect(listed({ claimId, patientId: 'someone-else' }, 3)).toEqual([]);
      const asOf = new Date(events[events.length - 1]!.atMs);
      expect(queries.currentAging(asOf)).toEqual(await queries.agingAsOf({ position: stored[stored.length - 1]!.position }, asOf));
    } finally {
      db.close();
      await store.close();
    }
  });

  it('a read store with the version 1 journal loses its journal_lines table when the new version rebuilds', async () => {
    const store = SqliteEventStore.open(path.join(dir, 'v1-events.sqlite'));
    const db = openReadDatabase(path.join(dir, 'v1-read.sqlite'));
    try {
      db.exec('CREATE TABLE journal_lines (position INTEGER NOT NULL, line_number INTEGER NOT NULL, PRIMARY KEY (position, line_number)) WITHOUT ROWID');
      db.prepare("INSERT INTO projection_checkpoints (name, version, position) VALUES ('journal', 1, 0)").run();
      expect(new ProjectionRunner(store, db, [journalProjection]).prepare()).toEqual(['journal']);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'journal%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual(['journal_accounts', 'journal_claims', 'journal_events', 'journal_postings']);
    } finally {
      db.close();
      await store.close();
    }
  });
});
