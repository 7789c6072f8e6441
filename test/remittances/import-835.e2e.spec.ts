import fs from 'node:fs';
import path from 'node:path';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store';
import { claimBody, encounterBody, expectConserved, expectProblem, startTestApp, type Balances, type Http, type TestApp } from '../support/test-app';

/**
 * POST /remittances/835 over real HTTP against the real app on a real SQLite file, with the
 * hand-written 835s in test/fixtures/x12. Every claim the fixtures name is seeded first with the
 * standard encounter: line 1 99213-25 $150.00, line 2 93000 $50.00 ($200.00 in all).
 */

const FIXTURES = path.resolve(__dirname, '../fixtures/x12');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const CLAIMS = [
  'FX-FULL-1',
  'FX-PART-1',
  'FX-DENY-CLAIM',
  'FX-DENY-ZERO',
  'FX-DENY-LINE',
  'FX-REV-1',
  'FX-PLB-1',
  'FX-MULTI-1',
  'FX-MULTI-2',
  'FX-MULTI-3',
  'FX-MULTI-4',
  'FX-BAD-1',
  'FX-MIX-OK',
  'FX-VOID-1',
];

let t: TestApp;
let store: EventStore;

const seedClaim = async (http: Http, claimId: string, lines?: ReturnType<typeof encounterBody>['lines']): Promise<void> => {
  const encounter = encounterBody(lines ? { lines } : {});
  await http.post('/encounters').set('X-Actor', 'setup').send(encounter).expect(201);
  await http.post('/claims').set('X-Actor', 'setup').send(claimBody(encounter.encounterId, { claimId, payerId: 'payer-acme' })).expect(201);
};

const post835 = (text: string, query = '') =>
  t.http.post(`/remittances/835${query}`).set('Content-Type', 'application/edi-x12').set('X-Actor', 'era-bot').send(text);

interface ClaimBody {
  status: string;
  balances: Balances;
  remittances: Array<{ remittanceId: string; kind: string; reversed: boolean; payerPaidCents: number }>;
  lines: Array<{ lineNumber: number; adjudication: string }>;
}
const getClaim = async (claimId: string): Promise<ClaimBody> => (await t.http.get(`/claims/${claimId}`).expect(200)).body as ClaimBody;

const balances = (b: Partial<Balances>): Balances => ({
  chargesCents: 20_000,
  payerPaidCents: 0,
  contractualAdjustmentCents: 0,
  patientResponsibilityCents: 0,
  patientPaidCents: 0,
  writeOffCents: 0,
  payerBalanceCents: 20_000,
  patientBalanceCents: 0,
  balanceCents: 20_000,
  ...b,
});

interface ReportBody {
  status: string;
  appendedEvents: number;
  transactions: Array<{ traceNumber: string; paidCents: number; providerAdjustmentCents: number; accepted: boolean }>;
  claims: Array<{ claimId: string; statusCode: string; outcome: string; events: string[]; remittanceId: string; balances?: Balances }>;
  problems: Array<{ code: string; scope: string; position: { segment: number; transactionSegment?: number; tag: string }; claimId?: string }>;
  warnings: Array<{ code: string }>;
}

beforeAll(async () => {
  t = await startTestApp();
  store = t.app.get<typeof EVENT_STORE, EventStore>(EVENT_STORE);
  for (const claimId of CLAIMS) await seedClaim(t.http, claimId);
});

afterAll(async () => {
  await t?.close();
});

describe('POST /remittances/835', () => {
  it('posts a full payment, closes the claim, records the payment in remittance-{TRN02}, and a re-import posts nothing', async () => {
    const response = await post835(fixture('full-payment.835')).expect(200);
    const report = response.body as ReportBody;
    expect(report.status).toBe('imported');
    expect(report.claims).toEqual([
      expect.objectContaining({ claimId: 'FX-FULL-1', outcome: 'posted', events: ['RemittancePosted'], remittanceId: '835:TRN-FULL-1:PCN-FULL-1:1' }),
    ]);
    const claim = await getClaim('FX-FULL-1');
    expect(claim.status).toBe('closed');
    expect(claim.balances).toEqual(balances({ payerPaidCents: 20_000, payerBalanceCents: 0, balanceCents: 0 }));
    expect(report.claims[0]?.balances).toEqual(claim.balances);

    const history = (await t.http.get('/claims/FX-FULL-1/history').expect(200)).body as { events: Array<{ type: string; source: string; actor: string; data: Record<string, unknown> }> };
    const posted = history.events.find((e) => e.type === 'RemittancePosted');
    expect(posted).toMatchObject({ source: 'import', actor: 'era-bot', data: { payerClaimControlNumber: 'PCN-FULL-1', paidCents: 20_000, receivedAt: '2026-03-01T00:00:00.000Z' } });

    const remittance = await store.readStream('remittance-TRN-FULL-1');
    expect(remittance.map((e) => e.type)).toEqual(['RemittanceAdviceReceived']);
    expect(remittance[0]?.data).toMatchObject({ traceNumber: 'TRN-FULL-1', paidCents: 20_000, paymentMethod: 'ACH', payerName: 'ACME HEALTH PLAN', providerAdjustmentCents: 0 });

    const before = await t.eventCount();
    const again = (await post835(fixture('full-payment.835')).expect(200)).body as ReportBody;
    expect(again.status).toBe('already_imported');
    expect(again.appendedEvents).toBe(0);
    expect(again.claims.map((c) => c.outcome)).toEqual(['already_imported']);
    expect(await t.eventCount()).toBe(before);
    expect((await getClaim('FX-FULL-1')).balances).toEqual(claim.balances);
  });

  it('posts a partial payment: CO-45 contractual, PR-1/2/3 to the patient, REF*6R lines, MOA and LQ remarks kept', async () => {
    const report = (await post835(fixture('partial-co45-pr123.835')).expect(200)).body as ReportBody;
    expect(report.claims.map((c) => c.outcome)).toEqual(['posted']);
    const claim = await getClaim('FX-PART-1');
    expect(claim.status).toBe('paid');
    const b = claim.balances;
    expect(b).toEqual(
      balances({ payerPaidCents: 9_500, contractualAdjustmentCents: 6_000, patientResponsibilityCents: 4_500, payerBalanceCents: 0, patientBalanceCents: 4_500, balanceCents: 4_500 }),
    );
    expectConserved(b);
    const history = (await t.http.get('/claims/FX-PART-1/history').expect(200)).body as { events: Array<{ type: string; data: Record<string, unknown> }> };
    expect(history.events.find((e) => e.type === 'RemittancePosted')?.data).toMatchObject({
      remarks: ['MA01', 'N130'],
      lines: [
        {
          lineNumber: 1,
          paidCents: 8_000,
          adjustments: [
            { group: 'CO', reason: '45', amountCents: 3_000 },
            { group: 'PR', reason: '1', amountCents: 2_000 },
            { group: 'PR', reason: '2', amountCents: 1_500 },
            { group: 'PR', reason: '3', amountCents: 500 },
          ],
        },
        { lineNumber: 2, paidCents: 1_500, adjustments: [{ group: 'CO', reason: '45', amountCents: 3_000 }, { group: 'PR', reason: '2', amountCents: 500 }] },
      ],
    });
  });

  it('records zero-pay denials at claim level (CLP02 4) and line level, and posts the paid lines of a partly denied claim', async () => {
    const report = (await post835(fixture('denials.835')).expect(200)).body as ReportBody;
    expect(report.claims.map((c) => [c.claimId, c.outcome, c.events])).toEqual([
      ['FX-DENY-CLAIM', 'denied', ['DenialReceived']],
      ['FX-DENY-ZERO', 'denied', ['DenialReceived']],
      ['FX-DENY-LINE', 'partially_denied', ['RemittancePosted', 'DenialReceived']],
    ]);
    const wholeClaim = await getClaim('FX-DENY-CLAIM');
    expect(wholeClaim.status).toBe('denied');
    expect(wholeClaim.balances).toEqual(balances({}));
    const denials = (await t.http.get('/claims/FX-DENY-CLAIM/denials').expect(200)).body as { denials: Array<Record<string, unknown>> };
    expect(denials.denials).toEqual([
      expect.objectContaining({ remittanceId: '835:TRN-DENY-1:PCN-DENY-CLAIM:4', payerClaimControlNumber: 'PCN-DENY-CLAIM', remarks: ['N130'] }),
    ]);
    expect(denials.denials[0]?.['adjustments']).toEqual([expect.objectContaining({ group: 'CO', reason: '16', amountCents: 20_000 })]);

    const zero = await getClaim('FX-DENY-ZERO');
    expect(zero.status).toBe('denied');
    expect(zero.lines.map((l) => l.adjudication)).toEqual(['denied', 'denied']);
    expect(zero.balances).toEqual(balances({}));

    const partly = await getClaim('FX-DENY-LINE');
    expect(partly.status).toBe('partially_paid');
    expect(partly.lines.map((l) => l.adjudication)).toEqual(['paid', 'denied']);
    expect(partly.balances).toEqual(balances({ payerPaidCents: 12_000, contractualAdjustmentCents: 3_000, payerBalanceCents: 5_000, balanceCents: 5_000 }));
    expectConserved(partly.balances);
  });

  it('reverses the payment a CLP02 22 names (by CLP07) and posts the corrected payment that follows it', async () => {
    await post835(fixture('original-payment.835')).expect(200);
    const original = await getClaim('FX-REV-1');
    expect(original.balances).toEqual(balances({ payerPaidCents: 14_000, contractualAdjustmentCents: 6_000, payerBalanceCents: 0, balanceCents: 0 }));

    const report = (await post835(fixture('reversal-correction.835')).expect(200)).body as ReportBody;
    expect(report.claims.map((c) => [c.statusCode, c.outcome, c.events])).toEqual([
      ['22', 'reversed', ['RemittanceReversed']],
      ['1', 'posted', ['RemittancePosted']],
    ]);
    expect(report.transactions[0]?.paidCents).toBe(2_000);
    const claim = await getClaim('FX-REV-1');
    expect(claim.status).toBe('closed');
    expect(claim.balances).toEqual(balances({ payerPaidCents: 16_000, contractualAdjustmentCents: 4_000, payerBalanceCents: 0, balanceCents: 0 }));
    expect(claim.remittances.map((r) => [r.remittanceId, r.reversed])).toEqual([
      ['835:TRN-ORIG-1:PCN-REV-1:1', true],
      ['835:TRN-CORR-1:PCN-REV-1B:1', false],
    ]);
    const before = await t.eventCount();
    expect(((await post835(fixture('reversal-correction.835')).expect(200)).body as ReportBody).status).toBe('already_imported');
    expect(await t.eventCount()).toBe(before);
  });

  it('posts PLB interest (L6) and recoupment (WO) as ProviderAdjustmentPosted so the check balances', async () => {
    const report = (await post835(fixture('plb-interest-recoupment.835')).expect(200)).body as ReportBody;
    expect(report.transactions).toEqual([expect.objectContaining({ traceNumber: 'TRN-PLB-1', paidCents: 15_250, providerAdjustmentCents: 4_750, accepted: true })]);
    expect((await getClaim('FX-PLB-1')).balances).toEqual(balances({ payerPaidCents: 20_000, payerBalanceCents: 0, balanceCents: 0 }));
    const stream = await store.readStream('remittance-TRN-PLB-1');
    expect(stream.map((e) => [e.type, (e.data as { reasonCode?: string }).reasonCode, (e.data as { amountCents?: number }).amountCents])).toEqual([
      ['RemittanceAdviceReceived', undefined, undefined],
      ['ProviderAdjustmentPosted', 'L6', -250],
      ['ProviderAdjustmentPosted', 'WO', 5_000],
    ]);
    expect(stream[1]?.data).toMatchObject({ providerId: '1234567893', fiscalPeriodDate: '2026-12-31', reference: 'PCN-PLB-1' });
  });

  it('posts several claims under one check, claim by claim, and records CLP02 19 and 23 as their own status', async () => {
    const report = (await post835(fixture('several-claims-one-check.835')).expect(200)).body as ReportBody;
    expect(report.claims.map((c) => [c.claimId, c.outcome, c.events])).toEqual([
      ['FX-MULTI-1', 'posted', ['RemittancePosted']],
      ['FX-MULTI-2', 'posted', ['RemittancePosted']],
      ['FX-MULTI-3', 'posted', ['RemittancePosted', 'PayerClaimStatusReported']],
      ['FX-MULTI-4', 'status_recorded', ['PayerClaimStatusReported']],
    ]);
    const expected: Record<string, { status: string; balances: Balances }> = {
      'FX-MULTI-1': { status: 'closed', balances: balances({ payerPaidCents: 20_000, payerBalanceCents: 0, balanceCents: 0 }) },
      'FX-MULTI-2': {
        status: 'paid',
        balances: balances({ payerPaidCents: 13_000, contractualAdjustmentCents: 4_000, patientResponsibilityCents: 3_000, payerBalanceCents: 0, patientBalanceCents: 3_000, balanceCents: 3_000 }),
      },
      'FX-MULTI-3': {
        status: 'paid',
        balances: balances({ payerPaidCents: 16_000, patientResponsibilityCents: 4_000, payerBalanceCents: 0, patientBalanceCents: 4_000, balanceCents: 4_000 }),
      },
      'FX-MULTI-4': { status: 'submitted', balances: balances({}) },
    };
    let paidCents = 0;
    for (const [claimId, want] of Object.entries(expected)) {
      const claim = await getClaim(claimId);
      expect([claimId, claim.status, claim.balances]).toEqual([claimId, want.status, want.balances]);
      expectConserved(claim.balances);
      paidCents += claim.balances.payerPaidCents;
    }
    expect(paidCents).toBe(report.transactions[0]?.paidCents);
    const statuses = (await store.readStream('remittance-TRN-MULTI-1')).filter((e) => e.type === 'PayerClaimStatusReported').map((e) => e.data);
    expect(statuses).toEqual([
      expect.objectContaining({ claimId: 'FX-MULTI-3', statusCode: '19', paidCents: 16_000, meaning: 'processed as primary, forwarded to additional payer(s)' }),
      expect.objectContaining({ claimId: 'FX-MULTI-4', statusCode: '23', paidCents: 0, payerClaimControlNumber: 'PCN-M4' }),
    ]);
  });

  it('refuses a malformed file whole: bad envelope, an unbalanced line, an unknown claim, each with its segment position', async () => {
    const before = await t.eventCount();
    for (const query of ['', '?partial=true']) {
      const response = await post835(fixture('malformed.835'), query);
      const problem = expectProblem(response, 422, 'REMITTANCE_FILE_REJECTED');
      const report = (response.body as { report: ReportBody }).report;
      expect(report.problems.map((p) => [p.code, p.position.segment, p.position.tag])).toEqual([
        ['LINE_UNBALANCED', 11, 'SVC'],
        ['UNKNOWN_CLAIM', 15, 'CLP'],
        ['TRANSACTION_COUNT_MISMATCH', 18, 'GE'],
        ['CONTROL_NUMBER_MISMATCH', 19, 'IEA'],
      ]);
      expect(report.problems.find((p) => p.code === 'LINE_UNBALANCED')?.position.transactionSegment).toBe(9);
      expect(problem.errors).toContainEqual({ field: 'segment 11 (SVC)', message: expect.stringContaining('LINE_UNBALANCED') });
      expect(report.appendedEvents).toBe(0);
    }
    expect(await t.eventCount()).toBe(before);
    expect((await getClaim('FX-BAD-1')).status).toBe('submitted');
  });

  it('all or nothing by default; partial=true posts the good claim, and a later import posts the rest once it is known', async () => {
    const before = await t.eventCount();
    const refused = await post835(fixture('partial-mix.835'));
    expectProblem(refused, 422, 'REMITTANCE_FILE_REJECTED');
    expect(await t.eventCount()).toBe(before);
    expect((await getClaim('FX-MIX-OK')).status).toBe('submitted');

    const partial = (await post835(fixture('partial-mix.835'), '?partial=true').expect(200)).body as ReportBody;
    expect(partial.status).toBe('partially_imported');
    expect(partial.claims.map((c) => [c.claimId, c.outcome])).toEqual([
      ['FX-MIX-OK', 'posted'],
      ['FX-MIX-UNKNOWN', 'rejected'],
    ]);
    expect(partial.problems.map((p) => [p.code, p.position.segment, p.claimId])).toEqual([['UNKNOWN_CLAIM', 12, 'FX-MIX-UNKNOWN']]);
    expect((await getClaim('FX-MIX-OK')).status).toBe('closed');

    await seedClaim(t.http, 'FX-MIX-UNKNOWN', [{ lineNumber: 1, procedureCode: '99213', modifiers: [], units: 1, chargeCents: 10_000, diagnosisPointers: [1] }]);
    const rest = (await post835(fixture('partial-mix.835')).expect(200)).body as ReportBody;
    expect(rest.status).toBe('imported');
    expect(rest.claims.map((c) => [c.claimId, c.outcome])).toEqual([
      ['FX-MIX-OK', 'already_imported'],
      ['FX-MIX-UNKNOWN', 'posted'],
    ]);
    expect((await getClaim('FX-MIX-UNKNOWN')).balances.payerPaidCents).toBe(10_000);
  });

  it('checks each transition with the real deciders: a voided claim takes no payment', async () => {
    await t.http.post('/claims/FX-VOID-1/void').send({ reason: 'billed in error' }).expect(201);
    const before = await t.eventCount();
    const text = fixture('full-payment.835').replace(/FX-FULL-1/g, 'FX-VOID-1').replace(/TRN-FULL-1/g, 'TRN-VOID-1');
    const response = await post835(text);
    expectProblem(response, 422, 'REMITTANCE_FILE_REJECTED');
    expect((response.body as { report: ReportBody }).report.problems.map((p) => [p.code, p.position.tag])).toEqual([['CLAIM_VOIDED', 'CLP']]);
    expect(await t.eventCount()).toBe(before);
  });

  it('answers 415 for another content type, 400 for an empty body or text that is not X12', async () => {
    expectProblem(await t.http.post('/remittances/835').send({ file: 'ISA*00' }), 415);
    expectProblem(await t.http.post('/remittances/835').set('Content-Type', 'text/plain').send(''), 400);
    const notX12 = await t.http.post('/remittances/835').set('Content-Type', 'text/plain').send('hello, this is not an 835');
    expectProblem(notX12, 400, 'REMITTANCE_FILE_REJECTED');
    expect((notX12.body as { report: ReportBody }).report.problems.map((p) => p.code)).toEqual(['NOT_X12']);
    expectProblem(await post835(fixture('full-payment.835'), '?partial=maybe'), 400);
  });
});
