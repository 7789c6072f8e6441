/**
 * The runner on real SQLite files (events and read model in a temp dir): idempotent batches,
 * batch + checkpoint in one transaction, version bumps, read-your-writes, rebuild, catch-up + live.
 */
import { dumpReadModel } from '../../test/support/read-model-dump';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  co,
  corrected,
  denied,
  encounterCoded,
  patientPaid,
  pr,
  refundedFromCredit,
  remittanceLine,
  remitted,
  resubmitted,
  submitted,
} from '../claims/claim-fixtures';
import { claimStreamId } from '../claims/claim';
import type { CommandContext } from '../common/command-context';
import { toNewEvents } from '../common/command-handler';
import { encounterStreamId } from '../encounters/encounter';
import type { Position, RecordedEvent } from '../event-store/event-store';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { patientStreamId } from '../patients/patient';
import { ALL_PROJECTIONS } from './all-projections';
import { claimsProjection } from './claims.projection';
import { denialsProjection } from './denials.projection';
import { patientAccountsProjection } from './patient-accounts.projection';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { openReadDatabase, type ReadDatabase } from './read-store';

const CONTEXT: CommandContext = { actor: 'spec', correlationId: 'corr-1', commandId: 'cmd-1', source: 'cli' };
const RECORDED_AT = '2025-06-01T00:00:00.000Z';

type DomainEvent = { type: string; data: object };

const dump = (db: ReadDatabase, projections: readonly Projection[] = ALL_PROJECTIONS) => dumpReadModel(db, projections);

const checkpoints = (db: ReadDatabase): Record<string, { version: number; position: number }> =>
  Object.fromEntries(
    (db.prepare('SELECT name, version, position FROM projection_checkpoints ORDER BY name').all() as {
      name: string;
      version: number;
      position: number;
    }[]).map((r) => [r.name, { version: r.version, position: r.position }]),
  );

const claimRow = (db: ReadDatabase, claimId: string): { status: string; balance_cents: number; revision: number } | undefined =>
  db.prepare('SELECT status, balance_cents, revision FROM claims WHERE claim_id = ?').get(claimId) as
    | { status: string; balance_cents: number; revision: number }
    | undefined;

/** Lets the event loop turn a few times (subscriptions and group commits run on setImmediate). */
const settle = async (turns = 5): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('ProjectionRunner on real SQLite files', () => {
  let dir: string;
  let store: SqliteEventStore;
  const openedDbs: ReadDatabase[] = [];
  const runners: ProjectionRunner[] = [];

  const readDb = (name = 'read.sqlite'): ReadDatabase => {
    const db = openReadDatabase(path.join(dir, name));
    openedDbs.push(db);
    return db;
  };
  const runner = (db: ReadDatabase, projections: readonly Projection[] = ALL_PROJECTIONS, options = {}): ProjectionRunner => {
    const r = new ProjectionRunner(store, db, projections, options);
    runners.push(r);
    return r;
  };
  const append = async (streamId: string, events: readonly DomainEvent[]): Promise<Position> =>
    (await store.append(streamId, toNewEvents(events, streamId, CONTEXT, RECORDED_AT), 'any')).position;

  /** One claim's life: coded, submitted, denied, corrected, resubmitted, paid, patient pays more than owed, refund from credit. */
  const appendLifecycle = async (): Promise<Position> => {
    await append(encounterStreamId('enc-2001'), [encounterCoded()]);
    await append(claimStreamId('clm-3001'), [submitted()]);
    await append(claimStreamId('clm-3001'), [denied(), corrected(), resubmitted()]);
    await append(claimStreamId('clm-3001'), [remitted()]);
    await append(patientStreamId('pat-1001'), [patientPaid({ amountCents: 6_000 })]);
    return append(patientStreamId('pat-1001'), [refundedFromCredit({ amountCents: 500 })]);
  };

  /** A fresh read database rebuilt from position 0: the reference every other result must equal. */
  const rebuilt = async (name: string): Promise<Record<string, unknown[] | null>> => {
    const db = readDb(name);
    await runner(db).rebuild();
    return dump(db);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-runner-'));
    store = SqliteEventStore.open(path.join(dir, 'events.sqlite'), { pollIntervalMs: 20 });
  });

  afterEach(async () => {
    runners.splice(0).forEach((r) => r.stop());
    await store.close();
    openedDbs.splice(0).forEach((db) => db.open && db.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('applying the same batch twice changes nothing', () => {
    it('in the same runner: every projection table is identical after the second application', async () => {
      await appendLifecycle();
      const db = readDb();
      const r = runner(db);
      r.prepare();
      const events = await store.readAll(0n);
      r.applyBatch(events);
      const once = dump(db);
      expect(claimRow(db, 'clm-3001')).toMatchObject({ status: 'closed', balance_cents: 0 });
      expect(once['patient_accounts']).toEqual([
        { patient_id: 'pat-1001', received_cents: 6_000, refunded_cents: 500, unallocated_credit_cents: 1_500 },
      ]);

      r.applyBatch(events);
      expect(dump(db)).toEqual(once);
    });

    it('by two runners on one read store (a CLI beside the server): the second applies nothing the first did', async () => {
      await appendLifecycle();
      const events = await store.readAll(0n);
      const server = runner(readDb());
      const cli = runner(readDb());
      server.prepare();
      cli.prepare();
      server.applyBatch(events.slice(0, 5));
      cli.applyBatch(events);
      server.applyBatch(events);
      const reference = readDb('reference.sqlite');
      const alone = runner(reference);
      alone.prepare();
      alone.applyBatch(events);
      expect(dump(readDb())).toEqual(dump(reference));
    });

    it('after a restart on the same file (durable checkpoints), and for a batch overlapping what was applied', async () => {
      await appendLifecycle();
      const events = await store.readAll(0n);
      const db = readDb();
      const first = runner(db);
      first.prepare();
      first.applyBatch(events.slice(0, 5));
      first.applyBatch(events.slice(3, 8)); // overlaps 3..4
      db.close();

      const reopened = readDb();
      const second = runner(reopened);
      expect(second.prepare()).toEqual([]);
      expect(second.position()).toBe(events[7]?.position);
      second.applyBatch(events); // 0..7 again, then the rest
      second.applyBatch(events);
      expect(dump(reopened)).toEqual(await rebuilt('reference.sqlite'));
    });
  });

  describe('a batch and its checkpoint commit in one transaction', () => {
    /** The denials projection, except that it fails on ClaimCorrected. */
    const failingDenials: Projection = {
      ...denialsProjection,
      handles: { has: (type: string) => type === 'ClaimCorrected' || denialsProjection.handles.has(type) },
      apply(db, event) {
        if (event.type === 'ClaimCorrected') throw new Error('boom: cannot apply ClaimCorrected');
        denialsProjection.apply(db, event);
      },
    };

    it('applyBatch: a projection throwing mid-batch leaves no rows and no checkpoint advanced, in any projection', async () => {
      await append(encounterStreamId('enc-2001'), [encounterCoded()]);
      await append(claimStreamId('clm-3001'), [submitted()]);
      await append(claimStreamId('clm-3001'), [denied(), corrected(), resubmitted()]);
      const events = await store.readAll(0n);
      const db = readDb();
      const r = runner(db, [claimsProjection, patientAccountsProjection, failingDenials]);
      r.prepare();
      r.applyBatch(events.slice(0, 2));
      const before = dump(db);
      const checkpointsBefore = checkpoints(db);
      expect(claimRow(db, 'clm-3001')?.status).toBe('submitted');

      // DenialReceived is applied by claims and denials, then ClaimCorrected throws in denials.
      expect(() => r.applyBatch(events.slice(2))).toThrow('boom');
      expect(dump(db)).toEqual(before);
      expect(checkpoints(db)).toEqual(checkpointsBefore);
      expect(r.position()).toBe(events[1]?.position);
      expect(r.status().map((s) => s.position)).toEqual([events[1]?.position, events[1]?.position, events[1]?.position]);
    });

    it('live: the runner reports the error (runner.error), rejects waiters, keeps the last committed batch; a restart resumes from it', async () => {
      await append(encounterStreamId('enc-2001'), [encounterCoded()]);
      await append(claimStreamId('clm-3001'), [submitted()]);
      const db = readDb();
      const failing = runner(db, [claimsProjection, patientAccountsProjection, failingDenials]);
      await failing.start();
      const head = await store.headPosition();
      const before = dump(db);
      const checkpointsBefore = checkpoints(db);

      // Registered before the append: rejected when the batch fails, not left to time out.
      const waiting = failing.waitFor(head + 3n);
      await append(claimStreamId('clm-3001'), [denied(), corrected(), resubmitted()]);
      await expect(waiting).rejects.toThrow('boom');
      expect(failing.error?.message).toMatch('boom');
      await expect(failing.waitFor(head)).rejects.toThrow('boom');
      expect(dump(db)).toEqual(before);
      expect(checkpoints(db)).toEqual(checkpointsBefore);
      expect(claimRow(db, 'clm-3001')?.status).toBe('submitted');

      // Later events are not applied either: the runner stopped at the failure.
      await append(patientStreamId('pat-1001'), [patientPaid({ allocations: [] })]);
      await settle(20);
      expect(dump(db)).toEqual(before);

      failing.stop();
      db.close();
      const reopened = readDb();
      const fixed = runner(reopened);
      await fixed.start();
      expect(fixed.error).toBeNull();
      expect(claimRow(reopened, 'clm-3001')?.status).toBe('submitted'); // denied, corrected, resubmitted
      expect(dump(reopened)).toEqual(await rebuilt('reference.sqlite'));
    });

    it('start() rejects when catching up fails, and nothing of the failing batch is stored', async () => {
      await append(encounterStreamId('enc-2001'), [encounterCoded()]);
      await append(claimStreamId('clm-3001'), [submitted(), denied(), corrected()]);
      const db = readDb();
      const r = runner(db, [claimsProjection, patientAccountsProjection, failingDenials]);
      await expect(r.start()).rejects.toThrow('boom');
      expect(r.error).not.toBeNull();
      expect(Object.values(checkpoints(db)).map((c) => c.position)).toEqual([0, 0, 0]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM claims').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM denial_claims').get()).toEqual({ n: 0 });
    });
  });

  describe('a projection version bump', () => {
    const bumped = (projection: Projection): Projection => ({ ...projection, version: projection.version + 1 });

    it('prepare() drops and rebuilds only the bumped projection and returns its name; the others keep their checkpoints and rows', async () => {
      const head = await appendLifecycle();
      const db = readDb();
      const first = runner(db);
      await first.start();
      first.stop();
      const reference = dump(db);
      // Tamper with both read models: only a rebuilt projection gets its rows back from the events.
      db.prepare("UPDATE claims SET status = 'tampered'").run();
      db.prepare('UPDATE patient_accounts SET received_cents = -1').run();

      const projections = ALL_PROJECTIONS.map((p) => (p.name === claimsProjection.name ? bumped(p) : p));
      const second = runner(db, projections);
      expect(second.prepare()).toEqual(['claims']);
      expect(checkpoints(db)).toEqual(
        Object.fromEntries(
          ALL_PROJECTIONS.map((p) => [
            p.name,
            p.name === 'claims' ? { version: p.version + 1, position: 0 } : { version: p.version, position: Number(head) },
          ]),
        ),
      );
      expect(db.prepare('SELECT COUNT(*) AS n FROM claims').get()).toEqual({ n: 0 });

      await second.start();
      expect(second.status().map((s) => s.position)).toEqual(ALL_PROJECTIONS.map(() => head));
      const after = dump(db);
      expect(after['claims']).toEqual(reference['claims']);
      expect(after['patient_accounts']).toEqual([expect.objectContaining({ received_cents: -1 })]);
      expect(after['denials']).toEqual(reference['denials']);
    });

    it('start() alone does the same, and a second start with the same version rebuilds nothing', async () => {
      await appendLifecycle();
      const db = readDb();
      const first = runner(db);
      await first.start();
      first.stop();
      const reference = dump(db, ALL_PROJECTIONS);
      db.prepare("UPDATE denials SET remarks = 'tampered'").run();
      db.prepare("UPDATE claims SET status = 'tampered'").run();

      const projections = [claimsProjection, patientAccountsProjection, bumped(denialsProjection)];
      const second = runner(db, projections);
      await second.start();
      second.stop();
      const after = dump(db, projections);
      expect(after['denials']).toEqual(reference['denials']);
      expect(after['claims']).toEqual([expect.objectContaining({ status: 'tampered' })]);
      expect(checkpoints(db)['denials']?.version).toBe(denialsProjection.version + 1);

      expect(runner(db, projections).prepare()).toEqual([]);
    });
  });

  describe('waitFor(position)', () => {
    it('resolves only after every projection applied the position, never before', async () => {
      const db = readDb();
      const r = runner(db);
      await r.start();
      const head = await store.headPosition();
      expect(head).toBe(0n);

      let resolved = false;
      // What the read model shows at the moment waitFor resolves (a GET right after a POST).
      const seen = r.waitFor(2n).then(() => {
        resolved = true;
        return { claim: claimRow(db, 'clm-3001'), status: r.status() };
      });
      await append(encounterStreamId('enc-2001'), [encounterCoded()]);
      await settle(20);
      expect(resolved).toBe(false);

      await append(claimStreamId('clm-3001'), [submitted()]);
      const atResolution = await seen;
      expect(atResolution.claim).toMatchObject({ status: 'submitted', balance_cents: 40_000, revision: 0 });
      expect(atResolution.status.every((s) => s.position >= 2n)).toBe(true);
    });

    it('resolves at once for a position already applied, and rejects after waitTimeoutMs for one never reached', async () => {
      const head = await appendLifecycle();
      const r = runner(readDb(), ALL_PROJECTIONS, { waitTimeoutMs: 50 });
      await r.start();
      await expect(r.waitFor(head)).resolves.toBeUndefined();
      await expect(r.waitFor(head + 1n)).rejects.toThrow(/did not reach position/);
    });

    it('rejects pending waiters when the runner stops', async () => {
      const r = runner(readDb());
      await r.start();
      const waiting = r.waitFor(100n);
      r.stop();
      await expect(waiting).rejects.toThrow('stopped');
    });
  });

  describe('rebuild()', () => {
    it('drops and replays every projection, reproducing the same tables, and reports progress up to the head', async () => {
      const head = await appendLifecycle();
      const db = readDb();
      const r = runner(db, ALL_PROJECTIONS, { batchMax: 2 });
      await r.start();
      r.stop();
      const live = dump(db);
      db.prepare("UPDATE claims SET status = 'tampered'").run();
      db.prepare('DELETE FROM denial_adjustments').run();

      const progress: Position[] = [];
      await r.rebuild([], (position, until) => {
        expect(until).toBe(head);
        progress.push(position);
      });
      expect(dump(db)).toEqual(live);
      expect(progress.length).toBeGreaterThan(1); // batchMax 2: page by page
      expect(progress[progress.length - 1]).toBe(head);
      expect(live).toEqual(await rebuilt('reference.sqlite'));
    });

    it('rebuilds only the named projection, leaving the others as they are', async () => {
      await appendLifecycle();
      const db = readDb();
      const r = runner(db);
      await r.start();
      r.stop();
      const live = dump(db);
      db.prepare("UPDATE claims SET status = 'tampered'").run();
      db.prepare('UPDATE patient_accounts SET received_cents = -1').run();

      await r.rebuild(['claims']);
      const after = dump(db);
      expect(after['claims']).toEqual(live['claims']);
      expect(after['patient_accounts']).toEqual([expect.objectContaining({ received_cents: -1 })]);
      await expect(r.rebuild(['no-such-projection'])).rejects.toThrow(/unknown projection no-such-projection/);
    });

    it('ends with every index built, the read store synchronous=NORMAL again, the WAL checkpointed and nothing marked rebuilding', async () => {
      await appendLifecycle();
      const db = readDb();
      await runner(db).rebuild();
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
      expect(indexes).toEqual(expect.arrayContaining(['claims_by_status', 'claims_by_payer', 'claims_by_patient', 'denial_adjustments_by_payer', 'line_variances_by_payer']));
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      // The rows went to the database file at the end; the WAL holds only the commit that cleared the marks.
      expect((db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log).toBeLessThanOrEqual(2);
      expect(db.prepare('SELECT DISTINCT rebuilding FROM projection_checkpoints').all()).toEqual([{ rebuilding: 0 }]);
      expect(dump(db)).toEqual(await rebuilt('reference.sqlite'));
    });

    it('a rebuild that stops midway leaves its projections marked rebuilding, and the next start rebuilds them from 0', async () => {
      await appendLifecycle();
      const db = readDb();
      await runner(db).start();
      runners.forEach((r) => r.stop());
      const failing: Projection = {
        ...claimsProjection,
        apply(readDb, event) {
          if (event.type === 'RemittancePosted') throw new Error('disk full');
          claimsProjection.apply(readDb, event);
        },
      };
      await expect(runner(db, [failing, denialsProjection], { batchMax: 2 }).rebuild()).rejects.toThrow('disk full');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(checkpoints(db)['claims']).toMatchObject({ version: claimsProjection.version });
      expect(db.prepare('SELECT name, rebuilding FROM projection_checkpoints WHERE rebuilding = 1 ORDER BY name').all()).toEqual([
        { name: 'claims', rebuilding: 1 },
        { name: 'denials', rebuilding: 1 },
      ]);

      const restarted = runner(db);
      expect(restarted.prepare()).toEqual(['claims', 'denials']);
      await restarted.start();
      expect(dump(db)).toEqual(await rebuilt('reference.sqlite'));
    });
  });

  describe('a read store from before rebuilds were marked', () => {
    it('gains the rebuilding column on open and keeps every checkpoint', async () => {
      const head = await appendLifecycle();
      const file = path.join(dir, 'old.sqlite');
      const old = new Database(file);
      old.exec('CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)');
      old.prepare('INSERT INTO projection_checkpoints VALUES (?, ?, ?)').run(patientAccountsProjection.name, patientAccountsProjection.version, 0);
      old.close();
      const db = readDb('old.sqlite');
      const r = runner(db, [patientAccountsProjection]);
      expect(r.prepare()).toEqual([]);
      await r.start();
      expect(r.position()).toBe(head);
      expect(checkpoints(db)).toEqual({ [patientAccountsProjection.name]: { version: patientAccountsProjection.version, position: Number(head) } });
    });
  });

  describe('start()', () => {
    it('catches up with the events already stored, then follows live appends', async () => {
      await append(encounterStreamId('enc-2001'), [encounterCoded()]);
      const submittedAt = await append(claimStreamId('clm-3001'), [submitted()]);
      const db = readDb();
      const r = runner(db, ALL_PROJECTIONS, { batchMax: 1 });
      await r.start();
      expect(r.position()).toBe(submittedAt);
      expect(claimRow(db, 'clm-3001')?.status).toBe('submitted');

      const paid = await append(claimStreamId('clm-3001'), [
        remitted({ lines: [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000))], remittanceId: 'era-partial' }),
      ]);
      await r.waitFor(paid);
      expect(claimRow(db, 'clm-3001')).toMatchObject({ status: 'partially_paid', revision: 1 });

      // Many appends at once, from several streams: all applied, in order, equal to a rebuild.
      const positions = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          append(patientStreamId(`pat-live-${i}`), [patientPaid({ patientId: `pat-live-${i}`, paymentId: `pay-${i}`, allocations: [] })]),
        ),
      );
      const last = positions.reduce((a, b) => (a > b ? a : b));
      await r.waitFor(last);
      expect(r.error).toBeNull();
      expect(db.prepare('SELECT COUNT(*) AS n FROM patient_accounts').get()).toEqual({ n: 20 });
      expect(dump(db)).toEqual(await rebuilt('reference.sqlite'));
    });

    it('a second runner on a read model that is behind catches up from its checkpoint, not from 0', async () => {
      await appendLifecycle();
      const events: RecordedEvent[] = await store.readAll(0n);
      const db = readDb();
      const partial = runner(db);
      partial.prepare();
      partial.applyBatch(events.slice(0, 3));
      // Mark a row written before the checkpoint: replaying from 0 would overwrite it.
      db.prepare("UPDATE denial_claims SET payer_id = 'marker'").run();

      const resumed = runner(db);
      await resumed.start();
      expect(resumed.position()).toBe(events[events.length - 1]?.position);
      expect(db.prepare('SELECT payer_id FROM denial_claims').all()).toEqual([{ payer_id: 'marker' }]);
      expect(claimRow(db, 'clm-3001')?.status).toBe('closed');
    });
  });
});
