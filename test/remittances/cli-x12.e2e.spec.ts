import type { INestApplication } from '@nestjs/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { X12Parser, type X12Interchange } from 'node-x12';
import { createApp } from '../../src/app';
import { buildCli } from '../../src/cli';
import { claimBody, encounterBody, expectConserved, type Balances, type Http } from '../support/test-app';

/**
 * The CLI against a real data directory: claims are set up over HTTP, the server stops (the CLI
 * and a server do not share a read store), `billing-ledger import-835` / `export-837` run through
 * the real commander program, then a server on the same files answers what was posted.
 */

const FIXTURES = path.resolve(__dirname, '../fixtures/x12');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-x12-cli-'));
// Authentication off, as in the other domain suites: requests name their actor with X-Actor.
const config = { eventStore: 'sqlite' as const, dataDir, host: '127.0.0.1', port: 0, esdbConnectionString: undefined, auth: 'off' as const };

const withApp = async <T>(work: (http: Http) => Promise<T>): Promise<T> => {
  const app: INestApplication = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  try {
    return await work(request(app.getHttpServer()));
  } finally {
    await app.close();
  }
};

/** Runs `billing-ledger …` in this process with LEDGER_DATA_DIR set; returns what it printed and its exit code. */
const cli = async (...args: string[]): Promise<{ out: string[]; exitCode: number }> => {
  const out: string[] = [];
  const previousDir = process.env['LEDGER_DATA_DIR'];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  process.env['LEDGER_DATA_DIR'] = dataDir;
  process.exitCode = 0;
  try {
    await buildCli().exitOverride().parseAsync(['node', 'billing-ledger', ...args]);
    return { out, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    log.mockRestore();
    process.exitCode = 0;
    if (previousDir === undefined) delete process.env['LEDGER_DATA_DIR'];
    else process.env['LEDGER_DATA_DIR'] = previousDir;
  }
};

const seed = async (http: Http, claimId: string): Promise<void> => {
  const encounter = encounterBody();
  await http.post('/encounters').send(encounter).expect(201);
  await http.post('/claims').send(claimBody(encounter.encounterId, { claimId, payerId: 'payer-acme' })).expect(201);
};

const parse837 = (text: string) => {
  const interchange = new X12Parser(true).parse(text) as X12Interchange;
  const transaction = interchange.functionalGroups[0]?.transactions[0];
  if (!transaction) throw new Error('no transaction set');
  const segments = transaction.segments;
  const find = (tag: string, first?: string) => segments.filter((s) => s.tag === tag && (first === undefined || s.valueOf(1) === first));
  return { interchange, transaction, segments, find };
};

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('billing-ledger import-835', () => {
  it('imports files, prints each claim with its balances, and a second run posts nothing', async () => {
    await withApp(async (http) => {
      for (const id of ['FX-MULTI-1', 'FX-MULTI-2', 'FX-MULTI-3', 'FX-MULTI-4', 'FX-PLB-1']) await seed(http, id);
    });
    const files = [path.join(FIXTURES, 'several-claims-one-check.835'), path.join(FIXTURES, 'plb-interest-recoupment.835')];
    const first = await cli('import-835', ...files, '--actor', 'lockbox');
    expect(first.exitCode).toBe(0);
    expect(first.out).toContain(`${files[0]}: imported (6 events appended)`);
    expect(first.out).toContainEqual(expect.stringContaining('claim FX-MULTI-2 (CLP02 1, segment 13): posted [RemittancePosted] → paid; paid $130.00, adjusted $40.00, patient owes $30.00'));
    expect(first.out).toContainEqual(expect.stringContaining('payment TRN-PLB-1: $152.50 for 1 claim(s), provider adjustments $47.50'));

    await withApp(async (http) => {
      const expected: Record<string, Partial<Balances>> = {
        'FX-MULTI-1': { payerPaidCents: 20_000, balanceCents: 0 },
        'FX-MULTI-2': { payerPaidCents: 13_000, contractualAdjustmentCents: 4_000, patientResponsibilityCents: 3_000, balanceCents: 3_000 },
        'FX-MULTI-3': { payerPaidCents: 16_000, patientResponsibilityCents: 4_000, balanceCents: 4_000 },
        'FX-MULTI-4': { payerPaidCents: 0, balanceCents: 20_000 },
        'FX-PLB-1': { payerPaidCents: 20_000, balanceCents: 0 },
      };
      for (const [claimId, want] of Object.entries(expected)) {
        const view = (await http.get(`/claims/${claimId}`).expect(200)).body as { balances: Balances };
        expect([claimId, view.balances]).toEqual([claimId, expect.objectContaining(want)]);
        expectConserved(view.balances);
      }
      const history = (await http.get('/claims/FX-MULTI-1/history').expect(200)).body as { events: Array<{ type: string; actor: string; source: string }> };
      expect(history.events.find((e) => e.type === 'RemittancePosted')).toMatchObject({ actor: 'lockbox', source: 'import' });
    });

    const second = await cli('import-835', ...files);
    expect(second.exitCode).toBe(0);
    expect(second.out).toContain(`${files[0]}: already imported (0 events appended)`);
    expect(second.out).toContain(`${files[1]}: already imported (0 events appended)`);
  });

  it('refuses a malformed file with exit code 1 and prints each problem with its segment', async () => {
    const { out, exitCode } = await cli('import-835', path.join(FIXTURES, 'malformed.835'));
    expect(exitCode).toBe(1);
    expect(out[0]).toMatch(/malformed\.835: rejected \(0 events appended\)$/);
    expect(out).toContainEqual(expect.stringMatching(/^ {2}problem at segment 11 \(SVC\): LINE_UNBALANCED /));
    expect(out).toContainEqual(expect.stringMatching(/^ {2}problem at segment 15 \(CLP\): UNKNOWN_CLAIM /));
    expect(out).toContainEqual(expect.stringMatching(/^ {2}problem at segment 19 \(IEA\): CONTROL_NUMBER_MISMATCH /));
  });
});

describe('billing-ledger export-837', () => {
  it('writes a 005010X222A1 837P that parses back strictly, with right segment counts and CLM02 = the claim charges', async () => {
    await withApp((http) => seed(http, 'FX-837-ORIGINAL'));
    const out = path.join(dataDir, 'original.837');
    const run = await cli('export-837', '--claim', 'FX-837-ORIGINAL', '--out', out);
    expect(run.exitCode).toBe(0);
    expect(run.out[0]).toMatch(/^wrote .*original\.837: claim FX-837-ORIGINAL, frequency 1, CLM02 200\.00, \d+ segments ST–SE$/);

    const { interchange, transaction, segments, find } = parse837(fs.readFileSync(out, 'utf8'));
    expect(interchange.functionalGroups[0]?.header.valueOf(8)).toBe('005010X222A1');
    expect(transaction.header.valueOf(3)).toBe('005010X222A1');
    // The strict parse already checked SE01/GE01/IEA01; say it again in numbers.
    expect(Number(transaction.trailer.valueOf(1))).toBe(segments.length + 2);
    expect(Number(interchange.functionalGroups[0]?.trailer.valueOf(1))).toBe(1);
    expect(Number(interchange.trailer.valueOf(1))).toBe(1);

    const clm = find('CLM')[0];
    expect(clm?.valueOf(1)).toBe('FX-837-ORIGINAL');
    expect(clm?.valueOf(2)).toBe('200.00');
    expect(clm?.valueOf(5)).toBe('11:B:1');
    expect(find('REF', 'F8')).toHaveLength(0);
    const lines = find('SV1');
    expect(lines.map((s) => s.valueOf(1))).toEqual(['HC:99213:25', 'HC:93000']);
    expect(lines.map((s) => s.valueOf(2))).toEqual(['150.00', '50.00']);
    expect(find('REF', '6R').map((s) => s.valueOf(2))).toEqual(['1', '2']);
    expect(find('HI')[0]?.elements.map((e) => e.value)).toEqual(['ABK:E119', 'ABF:I10']);
    expect(find('NM1', '85')[0]?.valueOf(9)).toBe('1234567893');
  });

  it('sends a replacement as frequency 7 and a void as 8, each quoting the payer claim control number in REF*F8', async () => {
    await withApp(async (http) => {
      await seed(http, 'FX-837-REPLACE');
      await seed(http, 'FX-837-VOID');
      // The payer denies both (CLP02 4), quoting its claim control numbers in CLP07.
      const response = await http.post('/remittances/835').set('Content-Type', 'text/plain').send(fs.readFileSync(path.join(FIXTURES, 'denials-before-replacement.835'), 'utf8'));
      expect([response.status, response.body.status]).toEqual([200, 'imported']);
      await http.post('/claims/FX-837-REPLACE/corrections').send({ reason: 'added the missing modifier' }).expect(201);
      await http.post('/claims/FX-837-REPLACE/resubmissions').send({}).expect(201);
      await http.post('/claims/FX-837-VOID/void').send({ reason: 'billed to the wrong payer' }).expect(201);
    });

    const replacement = path.join(dataDir, 'replacement.837');
    expect((await cli('export-837', '--claim', 'FX-837-REPLACE', '--out', replacement)).out[0]).toContain('frequency 7 (REF*F8 ICN-REPLACE-1)');
    const r = parse837(fs.readFileSync(replacement, 'utf8'));
    expect(r.find('CLM')[0]?.valueOf(5)).toBe('11:B:7');
    expect(r.find('REF', 'F8')[0]?.valueOf(2)).toBe('ICN-REPLACE-1');
    expect(r.find('CLM')[0]?.valueOf(2)).toBe('200.00');

    const voided = path.join(dataDir, 'void.837');
    await cli('export-837', '--claim', 'FX-837-VOID', '--out', voided);
    const v = parse837(fs.readFileSync(voided, 'utf8'));
    expect(v.find('CLM')[0]?.valueOf(5)).toBe('11:B:8');
    expect(v.find('REF', 'F8')[0]?.valueOf(2)).toBe('ICN-VOID-1');
    // A void quotes the charges of the claim it cancels.
    expect(v.find('CLM')[0]?.valueOf(2)).toBe('200.00');
  });

  it('refuses an unknown claim', async () => {
    await expect(cli('export-837', '--claim', 'NO-SUCH-CLAIM')).rejects.toThrow('claim NO-SUCH-CLAIM does not exist');
  });
});
