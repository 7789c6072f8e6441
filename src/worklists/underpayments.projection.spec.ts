/**
 * The underpayments projection on a real SQLite file: fed by the real runner from a real event
 * store, queried through UnderpaymentQueries; applying the same batch twice changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimStreamId } from '../claims/claim';
import { co, corrected, denied, ecg, officeVisit, pr, remittanceLine, remitted, resubmitted, reversed, submitted, wellnessVisit } from '../claims/claim-fixtures';
import type { CommandContext } from '../common/command-context';
import { toNewEvents } from '../common/command-handler';
import { schedule } from '../contracts/contract-fixtures';
import { priceClaim } from '../contracts/pricing';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { openReadDatabase, type ReadDatabase } from '../projections/read-store';
import { UnderpaymentQueries } from './underpayment-queries';
import { underpaymentsProjection } from './underpayments.projection';

const CONTEXT: CommandContext = { actor: 'spec', correlationId: 'corr-1', commandId: 'cmd-1', source: 'cli' };
// 99213 → 9200, 93000 → 1700, G0439 not on the schedule; date of service 2025-03-14.
const SCHEDULE = schedule({ scheduleId: 'acme-2025', effectiveFrom: '2025-01-01' });
const LINES = [officeVisit(), ecg(), wellnessVisit()];
const priced = (lines: Parameters<typeof priceClaim>[0]) => {
  const expected = priceClaim(lines, [SCHEDULE], '2025-03-14');
  if (expected === null) throw new Error('the fixture schedule is in force on 2025-03-14');
  return expected;
};
const EXPECTED = priced(LINES);

describe('underpayments projection', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: ReadDatabase;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-underpay-'));
    store = SqliteEventStore.open(path.join(dir, 'events.sqlite'));
    db = openReadDatabase(path.join(dir, 'read.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const append = async (claimId: string, events: Array<{ type: string; data: object }>) =>
    store.append(claimStreamId(claimId), toNewEvents(events, claimStreamId(claimId), CONTEXT, '2025-06-01T00:00:00.000Z'), 'any');
  const project = async (): Promise<ProjectionRunner> => {
    const runner = new ProjectionRunner(store, db, [underpaymentsProjection]);
    await runner.rebuild();
    return runner;
  };

  it('records each priced remitted line with its variance; the worklist holds those below contract by more than the tolerance', async () => {
    await append('clm-3001', [
      submitted({ expectedPayment: EXPECTED }),
      remitted({
        remittanceId: 'era-1',
        lines: [
          remittanceLine(1, 6_200, co('45', 5_800), pr('3', 3_000)), // allowed 9200: at contract
          remittanceLine(2, 1_000, co('45', 6_000), pr('2', 500)), // allowed 1500: 200 below
          remittanceLine(3, 12_000, co('45', 5_500)), // not priced
        ],
      }),
    ]);
    await project();
    const queries = new UnderpaymentQueries(db);
    expect(queries.claimVariances('clm-3001')?.lines.map((l) => [l.lineNumber, l.expectedAllowedCents, l.payerAllowedCents, l.varianceCents])).toEqual([
      [1, 9_200, 9_200, 0],
      [2, 1_700, 1_500, -200],
    ]);
    expect(queries.worklist({ toleranceCents: 0, limit: 50 })).toMatchObject({ lineCount: 1, shortfallCents: 200, lines: [{ claimId: 'clm-3001', lineNumber: 2, procedureCode: '93000', feeScheduleId: 'acme-2025' }] });
    expect(queries.worklist({ toleranceCents: 200, limit: 50 }).lines).toEqual([]);
  });

  it('a reversed remittance leaves the worklist; the payment that replaces it is judged afresh', async () => {
    await append('clm-3001', [
      submitted({ expectedPayment: EXPECTED }),
      remitted({ remittanceId: 'era-1', lines: [remittanceLine(1, 5_000, co('45', 10_000))] }),
      reversed({ remittanceId: 'era-1' }),
      remitted({ remittanceId: 'era-2', lines: [remittanceLine(1, 9_200, co('45', 5_800))] }),
    ]);
    await project();
    const queries = new UnderpaymentQueries(db);
    expect(queries.worklist({ toleranceCents: 0, limit: 50 }).lines).toEqual([]);
    expect(queries.claimVariances('clm-3001')?.lines.map((l) => [l.remittanceId, l.varianceCents, l.reversed])).toEqual([
      ['era-1', -4_200, true],
      ['era-2', 0, false],
    ]);
  });

  it('a replacement priced afresh is judged against its own expectation; an unpriced claim has no variances', async () => {
    const repriced = priced([officeVisit({ modifiers: ['25', '22'] })]);
    await append('clm-3001', [
      submitted({ expectedPayment: EXPECTED }),
      denied(),
      corrected({ lines: [officeVisit({ modifiers: ['25', '22'] })] }),
      resubmitted({ expectedPayment: repriced }),
      remitted({ remittanceId: 'era-2', lines: [remittanceLine(1, 9_200, co('45', 5_800))] }),
    ]);
    await append('clm-3002', [submitted({ claimId: 'clm-3002' }), remitted({ claimId: 'clm-3002', remittanceId: 'era-9' })]);
    await project();
    const queries = new UnderpaymentQueries(db);
    expect(queries.worklist({ toleranceCents: 0, limit: 50 }).lines.map((l) => [l.claimId, l.expectedAllowedCents, l.varianceCents])).toEqual([['clm-3001', 11_500, -2_300]]);
    expect(queries.claimVariances('clm-3002')).toEqual({ claimId: 'clm-3002', priced: false, lines: [] });
    expect(queries.claimVariances('clm-unknown')).toBeNull();
  });

  it('applying the same batch twice changes nothing', async () => {
    await append('clm-3001', [submitted({ expectedPayment: EXPECTED }), remitted({ lines: [remittanceLine(1, 100, co('45', 14_900))] })]);
    const runner = await project();
    const dump = () => ({
      claims: db.prepare('SELECT * FROM underpayment_claims ORDER BY claim_id').all(),
      variances: db.prepare('SELECT * FROM line_variances ORDER BY claim_id, remittance_id, line_number').all(),
    });
    const once = dump();
    expect(once.variances).toHaveLength(1);
    runner.applyBatch(await store.readAll(0n));
    expect(dump()).toEqual(once);
    const [first] = await store.readAll(0n);
    if (first) underpaymentsProjection.apply(db, first);
    expect(dump()).toEqual(once);
  });

  it('pages the worklist by cursor, in the order remittances posted', async () => {
    for (const claimId of ['clm-a', 'clm-b', 'clm-c']) {
      await append(claimId, [submitted({ claimId, expectedPayment: EXPECTED }), remitted({ claimId, lines: [remittanceLine(1, 100, co('45', 14_900))] })]);
    }
    await project();
    const queries = new UnderpaymentQueries(db);
    const first = queries.worklist({ toleranceCents: 0, limit: 2 });
    expect(first.lines.map((l) => l.claimId)).toEqual(['clm-a', 'clm-b']);
    expect(first.lineCount).toBe(3);
    const second = queries.worklist({ toleranceCents: 0, limit: 2, cursor: first.nextCursor as string });
    expect(second.lines.map((l) => l.claimId)).toEqual(['clm-c']);
    expect(second.nextCursor).toBeUndefined();
    expect(queries.worklist({ toleranceCents: 0, limit: 50, claimId: 'clm-b' }).lines).toHaveLength(1);
    expect(queries.worklist({ toleranceCents: 0, limit: 50, payerId: 'payer-nobody' }).lineCount).toBe(0);
  });
});
