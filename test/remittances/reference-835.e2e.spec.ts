import fs from 'node:fs';
import path from 'node:path';
import { read835 } from '../../src/remittances/read-835';
import { readX12 } from '../../src/remittances/x12-reader';
import type { EraClaim } from '../../src/remittances/era';
import { expectConserved, expectProblem, startTestApp, uid, type Balances, type Http } from '../support/test-app';

/**
 * The team's public sample 835s (../shared/reference/x12/835, documented in SOURCES.md): every
 * file parses; each file whose claims can be seeded is imported over real HTTP on a real SQLite
 * file and balances claim by claim (expected figures written by hand from the files); the others
 * are refused for the defects SOURCES.md documents. A clone without the folder skips, saying so.
 */

const REFERENCE = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference', 'x12', '835');
const present = fs.existsSync(REFERENCE);
if (!present) console.warn(`reference-835: ${REFERENCE} is absent (the team's shared reference data); skipping the reference 835 files`);
const describeReference = present ? describe : describe.skip;

const read = async (file: string) => read835(await readX12(fs.readFileSync(path.join(REFERENCE, file), 'utf8')));

/** CLP loops per file, as SOURCES.md counts them. */
const CLAIM_COUNTS: Record<string, number> = {
  'era835parser_example-1_drg-overpaid_NO-ENVELOPE.edi': 1,
  'keiron_bcbsnc-sample_NO-ENVELOPE.edi': 1,
  'keiron_emedny-sample.edi': 3,
  'keiron_uhc-legacy-sample.edi': 2,
  'lfh_cob-contractual-adjustment.edi': 1,
  'lfh_managed-care.edi': 2,
  'lfh_medicare-part-a.edi': 2,
  'lfh_secondary-payment.edi': 2,
  'lfh_tertiary-payment.edi': 1,
  'oopfactory_4010-deident-01_MASKED.edi': 96,
  'oopfactory_4010-ig-example1_reversals-plb.edi': 9,
  'oopfactory_5010-multi-interchange_MASKED.edi': 56,
  'pyx12_835-mult-loops_denied.edi': 1,
  'tigershark_5010-835-example-1_dental.edi': 3,
  'tigershark_5010-835-example-2_institutional.edi': 2,
  'tigershark_5010-835-example-3.edi': 2,
};

interface Expected {
  outcome: string;
  payerPaidCents: number;
  contractualAdjustmentCents: number;
  patientResponsibilityCents: number;
}
const paid = (payerPaidCents: number, contractualAdjustmentCents: number, patientResponsibilityCents = 0): Expected => ({
  outcome: 'posted',
  payerPaidCents,
  contractualAdjustmentCents,
  patientResponsibilityCents,
});
const noMoney = (outcome: string): Expected => ({ outcome, payerPaidCents: 0, contractualAdjustmentCents: 0, patientResponsibilityCents: 0 });

/** Files whose claims can be seeded: per claim, in file order, the outcome and the money it moves. */
const IMPORTABLE: Record<string, { paidCents: number; providerAdjustmentCents: number; claims: Array<[string, Expected]> }> = {
  'lfh_managed-care.edi': {
    paidCents: 94_500,
    providerAdjustmentCents: 0,
    claims: [
      ['5554555444', paid(45_000, 5_000, 30_000)],
      ['8765432112', paid(49_500, 10_500, 60_000)],
    ],
  },
  'lfh_medicare-part-a.edi': {
    paidCents: 15_000_000,
    providerAdjustmentCents: -127,
    claims: [
      ['666123', paid(13_801_840, 7_334_857)],
      ['777777', paid(1_198_033, 301_967)],
    ],
  },
  'lfh_secondary-payment.edi': {
    paidCents: 122_200,
    providerAdjustmentCents: 0,
    claims: [
      ['L0004828311', paid(91_200, 941_164)],
      ['0001000053', paid(31_000, 22_150, 22_000)],
    ],
  },
  'lfh_cob-contractual-adjustment.edi': { paidCents: 3_400, providerAdjustmentCents: 0, claims: [['0001000055', paid(3_400, 50_700)]] },
  'keiron_uhc-legacy-sample.edi': {
    paidCents: 34_999,
    providerAdjustmentCents: 0,
    claims: [
      ['001-18573-358', paid(8_892, 14_710, 10_526)],
      ['001-18604-358', paid(26_107, 44_004, 11_513)],
    ],
  },
  'pyx12_835-mult-loops_denied.edi': { paidCents: 0, providerAdjustmentCents: 0, claims: [['2005555A', noMoney('denied')]] },
  'tigershark_5010-835-example-1_dental.edi': {
    paidCents: 179_000,
    providerAdjustmentCents: 0,
    claims: [
      ['PRECERTIFICATION', noMoney('status_recorded')],
      ['EDI PAID', paid(179_000, 0, 200_000)],
      ['EDI DENIED', paid(0, 0, 379_000)],
    ],
  },
  'tigershark_5010-835-example-3.edi': {
    paidCents: 5_744,
    providerAdjustmentCents: 0,
    claims: [
      ['EDI DENIAL', paid(0, 0, 108_800)],
      ['EDI PAID', paid(5_744, 1_256, 3_000)],
    ],
  },
};

/** Files refused, with the defects SOURCES.md documents (UNKNOWN_CLAIM aside: they are not seeded). */
const REFUSED: Record<string, string[]> = {
  'era835parser_example-1_drg-overpaid_NO-ENVELOPE.edi': ['ENVELOPE_MISSING', 'SEGMENT_COUNT_MISMATCH', 'PAYMENT_UNBALANCED'],
  'keiron_bcbsnc-sample_NO-ENVELOPE.edi': ['ENVELOPE_MISSING', 'SEGMENT_COUNT_MISMATCH'],
  'lfh_tertiary-payment.edi': ['PROCEDURE_CODE_MISSING', 'LINE_UNBALANCED'],
  'oopfactory_4010-deident-01_MASKED.edi': ['UNSUPPORTED_VERSION', 'PAYMENT_UNBALANCED'],
  'oopfactory_4010-ig-example1_reversals-plb.edi': ['UNSUPPORTED_VERSION', 'PAYMENT_UNBALANCED'],
  'oopfactory_5010-multi-interchange_MASKED.edi': ['PAYMENT_UNBALANCED', 'CLAIM_UNBALANCED', 'LINE_UNBALANCED'],
  'tigershark_5010-835-example-2_institutional.edi': ['CONTROL_NUMBER_MISMATCH'],
  // Not seedable: its three claims all say CLP01 "PATIENT ACCOUNT NUMBER", with different lines.
  'keiron_emedny-sample.edi': ['UNKNOWN_CLAIM'],
};

/** Seeds each claim of the file as the 835 describes it: its SVC lines (or one line for CLP03 when there are none). */
const seedFrom = async (http: Http, claims: readonly EraClaim[]): Promise<void> => {
  const seeded = new Set<string>();
  for (const clp of claims) {
    if (seeded.has(clp.claimId)) continue;
    seeded.add(clp.claimId);
    const lines =
      clp.lines.length === 0
        ? [{ lineNumber: 1, procedureCode: '99223', modifiers: [], units: 1, chargeCents: clp.chargeCents, diagnosisPointers: [1] }]
        : clp.lines.map((line, i) => ({
            lineNumber: i + 1,
            procedureCode: line.submittedProcedureCode ?? line.procedureCode,
            modifiers: line.modifiers,
            units: Math.max(1, Math.round(Number(line.units ?? '1')) || 1),
            chargeCents: line.chargeCents,
            diagnosisPointers: [1],
          }));
    const encounterId = uid('enc');
    const dateOfService = clp.lines.find((l) => l.serviceDate)?.serviceDate ?? clp.statementDate ?? '2020-01-01';
    await http
      .post('/encounters')
      .send({ encounterId, patientId: uid('pat'), providerNpi: '1234567893', dateOfService, diagnoses: ['R69'], lines })
      .expect(201);
    await http.post('/claims').send({ claimId: clp.claimId, encounterId, payerId: 'payer-reference', memberId: clp.memberId ?? 'UNKNOWN' }).expect(201);
  }
};

describeReference('reference 835 files (../shared/reference/x12/835)', () => {
  const files = present ? fs.readdirSync(REFERENCE).filter((f) => f.endsWith('.edi')).sort() : [];

  it('finds every file SOURCES.md lists, and each has an expectation here', () => {
    expect(files).toEqual(Object.keys(CLAIM_COUNTS).sort());
    expect([...Object.keys(IMPORTABLE), ...Object.keys(REFUSED)].sort()).toEqual(files);
  });

  it.each(Object.entries(CLAIM_COUNTS))('%s parses: every transaction set and CLP loop is read', async (file, claims) => {
    const result = await read(file);
    expect(result.transactions.length).toBeGreaterThan(0);
    expect(result.transactions.flatMap((t) => t.advice.claims)).toHaveLength(claims);
    for (const t of result.transactions) expect(t.advice.traceNumber).not.toBe('');
  });

  it.each(Object.entries(IMPORTABLE))('%s: seeded, imports and balances claim by claim; a re-import posts nothing', async (file, want) => {
    const t = await startTestApp();
    try {
      const parsed = await read(file);
      await seedFrom(t.http, parsed.transactions.flatMap((x) => x.advice.claims));
      const text = fs.readFileSync(path.join(REFERENCE, file), 'utf8');
      const response = await t.http.post('/remittances/835').set('Content-Type', 'text/plain').send(text);
      expect([response.status, response.body.problems ?? response.body.report?.problems]).toEqual([200, []]);
      const report = response.body as {
        status: string;
        transactions: Array<{ paidCents: number; providerAdjustmentCents: number }>;
        claims: Array<{ claimId: string; outcome: string }>;
      };
      expect(report.status).toBe('imported');
      expect(report.transactions).toEqual([expect.objectContaining({ paidCents: want.paidCents, providerAdjustmentCents: want.providerAdjustmentCents })]);
      expect(report.claims.map((c) => [c.claimId, c.outcome])).toEqual(want.claims.map(([id, e]) => [id, e.outcome]));
      let payerPaidCents = 0;
      for (const [claimId, expected] of want.claims) {
        const view = (await t.http.get(`/claims/${encodeURIComponent(claimId)}`).expect(200)).body as { balances: Balances };
        const b = view.balances;
        expect([claimId, b.payerPaidCents, b.contractualAdjustmentCents, b.patientResponsibilityCents]).toEqual([
          claimId,
          expected.payerPaidCents,
          expected.contractualAdjustmentCents,
          expected.patientResponsibilityCents,
        ]);
        expect(b.payerBalanceCents).toBe(b.chargesCents - b.payerPaidCents - b.contractualAdjustmentCents - b.patientResponsibilityCents);
        expectConserved(b);
        payerPaidCents += b.payerPaidCents;
      }
      // The check balances: BPR02 = Σ CLP04 − Σ PLB.
      expect(payerPaidCents - want.providerAdjustmentCents).toBe(want.paidCents);
      const before = await t.eventCount();
      const again = await t.http.post('/remittances/835').set('Content-Type', 'text/plain').send(text).expect(200);
      expect(again.body.status).toBe('already_imported');
      expect(await t.eventCount()).toBe(before);
    } finally {
      await t.close();
    }
  });

  describe('files refused for their documented defects', () => {
    let t: Awaited<ReturnType<typeof startTestApp>>;
    beforeAll(async () => {
      if (present) t = await startTestApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it.each(Object.entries(REFUSED))('%s is refused whole, each problem with its segment position', async (file, codes) => {
      const before = await t.eventCount();
      const response = await t.http.post('/remittances/835').set('Content-Type', 'text/plain').send(fs.readFileSync(path.join(REFERENCE, file), 'utf8'));
      expectProblem(response, 422, 'REMITTANCE_FILE_REJECTED');
      const problems = (response.body as { report: { problems: Array<{ code: string; position: { segment: number } }> } }).report.problems;
      expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(codes));
      for (const p of problems) expect(p.position.segment).toBeGreaterThan(0);
      expect(await t.eventCount()).toBe(before);
    });
  });
});
