/**
 * `billing-ledger load-fee-schedule` through the real CLI on a real data directory: the example
 * schedule loads, and the service started on that directory prices claims with it; a bad file
 * is refused line by line with exit code 1 and nothing appended.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCli } from '../../src/cli';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { uid, VALID_NPI } from '../support/test-app';
import { startContractsApp } from './support';

const EXAMPLE_CSV = path.resolve(__dirname, '../../config/examples/fee-schedule.example.csv');
const PAYER = 'payer-example-commercial';

describe('billing-ledger load-fee-schedule', () => {
  let dataDir: string;
  let previousDataDir: string | undefined;
  let logs: string[];
  let errors: string[];

  const run = async (...args: string[]): Promise<number> => {
    process.exitCode = undefined;
    await buildCli().exitOverride().parseAsync(['node', 'billing-ledger', 'load-fee-schedule', ...args]);
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return code;
  };
  const eventCount = async (): Promise<number> => {
    const store = SqliteEventStore.open(path.join(dataDir, 'events.sqlite'));
    try {
      return Number(await store.headPosition());
    } finally {
      await store.close();
    }
  };

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-fee-cli-'));
    previousDataDir = process.env['LEDGER_DATA_DIR'];
    process.env['LEDGER_DATA_DIR'] = dataDir;
    logs = [];
    errors = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(String(line)));
    jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(String(line)));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (previousDataDir === undefined) delete process.env['LEDGER_DATA_DIR'];
    else process.env['LEDGER_DATA_DIR'] = previousDataDir;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads the example schedule; the service on that data directory prices claims with it', async () => {
    expect(await run('--payer', PAYER, '--effective-from', '2026-01-01', '--effective-to', '2026-12-31', EXAMPLE_CSV)).toBe(0);
    expect(logs).toEqual([`loaded fee schedule 2026-01-01 for ${PAYER}: 20 rows, 6 modifier rules, in force 2026-01-01 to 2026-12-31`]);

    const t = await startContractsApp({ dataDir });
    try {
      const schedule = await t.http.get(`/payers/${PAYER}/fee-schedules/2026-01-01`).expect(200);
      expect(schedule.body.modifierRules).toEqual([
        { modifier: '22', change: '125%' },
        { modifier: '50', change: '150%' },
        { modifier: '51', change: '50%' },
        { modifier: '62', change: '62.5%' },
        { modifier: '80', change: '16%' },
        { modifier: '82', change: '16%' },
      ]);
      const events = await t.store.readStream(`fee-schedule-${PAYER}`);
      expect(events[0]?.metadata).toMatchObject({ source: 'cli', actor: 'load-fee-schedule' });
      expect(events[0]?.data).toMatchObject({ sourceName: 'fee-schedule.example.csv', effectiveTo: '2026-12-31' });

      const encounterId = uid('enc');
      const lines = [
        { lineNumber: 1, procedureCode: '27447', modifiers: ['50'], units: 1, chargeCents: 400_000, diagnosisPointers: [1] },
        { lineNumber: 2, procedureCode: '73630', modifiers: ['26'], units: 1, chargeCents: 9_000, diagnosisPointers: [1] },
        { lineNumber: 3, procedureCode: '97110', modifiers: [], units: 3, chargeCents: 12_000, diagnosisPointers: [1] },
      ];
      await t.http.post('/encounters').send({ encounterId, patientId: uid('pat'), providerNpi: VALID_NPI, dateOfService: '2026-05-04', diagnoses: ['M17.11'], lines }).expect(201);
      const claim = await t.http.post('/claims').send({ claimId: uid('clm'), encounterId, payerId: PAYER, memberId: 'MBR1' }).expect(201);
      expect(claim.body.lines.map((l: { expectedAllowedCents: number }) => l.expectedAllowedCents)).toEqual([217_500, 1_100, 8_700]);
    } finally {
      await t.close();
    }
  });

  it('refuses a bad file line by line (exit 1) and appends nothing', async () => {
    const bad = path.join(dataDir, 'bad.csv');
    fs.writeFileSync(bad, ['kind,procedure_code,modifier,amount,units_policy', 'fee,99213,,92.00,per_service', 'modifier,,50,150,'].join('\n'));
    expect(await run('--payer', PAYER, '--effective-from', '2026-01-01', bad)).toBe(1);
    expect(errors[0]).toBe(`${bad}: the fee schedule file is not valid`);
    expect(errors.slice(1).map((e) => e.split(':')[0]?.trim())).toEqual(['line 2', 'line 3']);
    expect(await eventCount()).toBe(0);
  });

  it('refuses bad options (an end before the start) with the field named, exit 1, nothing appended', async () => {
    expect(await run('--payer', PAYER, '--effective-from', '2026-01-01', '--effective-to', '2025-12-31', EXAMPLE_CSV)).toBe(1);
    expect(errors).toContain('  effectiveTo: on or after effectiveFrom');
    expect(await eventCount()).toBe(0);
  });
});
