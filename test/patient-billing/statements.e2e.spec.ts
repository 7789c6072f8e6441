/**
 * Statements over real HTTP on a real SQLite file: a patient with two claims (coinsurance on one,
 * deductible and copay on the other) gets a statement whose PDF, read back, shows the right
 * amounts and reasons; the PDF is the same bytes every time; the cut-off holds; bad input appends
 * nothing.
 */
import { createHash } from 'node:crypto';
import { expectProblem, startTestApp, uid, type TestApp } from '../support/test-app';
import { binary, COINSURANCE_LINES, DEDUCTIBLE_COPAY_LINES, pdfText, remittedClaim, TestClock } from './support';

interface StatementBody {
  statementId: string;
  statementDate: string;
  dueDate: string;
  asOf: string;
  balanceCents: number;
  amountDueCents: number;
  unallocatedCreditCents: number;
  pdf: string;
  claims: Array<{
    claimId: string;
    dateOfService: string;
    chargesCents: number;
    insurancePaidCents: number;
    insuranceAdjustedCents: number;
    patientResponsibilityCents: number;
    patientShares: Array<{ reason: string; label: string; amountCents: number }>;
    patientPaidCents: number;
    patientBalanceCents: number;
  }>;
  paymentsReceived: Array<{ paymentId: string; amountCents: number }>;
}

describe('patient statements (e2e)', () => {
  const clock = new TestClock('2025-01-06T09:00:00Z');
  let t: TestApp;
  const patientId = uid('pat');
  let coinsurance: string;
  let deductible: string;
  let statement: StatementBody;

  const pdfOf = async (path: string): Promise<Buffer> => {
    const response = await t.http.get(path).buffer(true).parse(binary).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/pdf/);
    return response.body as Buffer;
  };

  beforeAll(async () => {
    t = await startTestApp({ clock });
    coinsurance = (await remittedClaim(t.http, patientId, COINSURANCE_LINES(), { dateOfService: '2025-01-02' })).claimId;
    deductible = (await remittedClaim(t.http, patientId, DEDUCTIBLE_COPAY_LINES(), { dateOfService: '2025-01-03' })).claimId;
    clock.set('2025-01-20T15:00:00Z');
    await t.http
      .post(`/patients/${patientId}/payments`)
      .send({ paymentId: 'pay-1', amountCents: 1_000, method: 'card', allocations: [{ claimId: coinsurance, amountCents: 1_000 }] })
      .expect(201);
    // Recorded after the cut-off: the statement must not show it.
    clock.set('2025-02-01T10:00:00Z');
    await t.http
      .post(`/patients/${patientId}/payments`)
      .send({ paymentId: 'pay-2', amountCents: 500, method: 'cash', allocations: [{ claimId: deductible, amountCents: 500 }] })
      .expect(201);
    const response = await t.http.post(`/patients/${patientId}/statements`).set('X-Actor', 'biller.lee').send({ asOf: '2025-01-31' });
    expect(response.status).toBe(201);
    statement = response.body as StatementBody;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('captures at the cut-off every claim with a patient balance, what is owed and why', () => {
    expect(statement).toMatchObject({
      statementId: 'stmt-2025-01-31',
      statementDate: '2025-01-31',
      dueDate: '2025-03-02',
      asOf: '2025-01-31T23:59:59.999Z',
      balanceCents: 6_500,
      amountDueCents: 6_500,
      unallocatedCreditCents: 0,
      pdf: `/patients/${patientId}/statements/stmt-2025-01-31.pdf`,
    });
    expect(statement.claims).toEqual([
      expect.objectContaining({
        claimId: coinsurance,
        dateOfService: '2025-01-02',
        chargesCents: 20_000,
        insurancePaidCents: 12_000,
        insuranceAdjustedCents: 6_000,
        patientResponsibilityCents: 2_000,
        patientShares: [{ reason: '2', label: 'Coinsurance', amountCents: 2_000 }],
        patientPaidCents: 1_000,
        patientBalanceCents: 1_000,
      }),
      expect.objectContaining({
        claimId: deductible,
        dateOfService: '2025-01-03',
        insurancePaidCents: 9_000,
        insuranceAdjustedCents: 5_500,
        patientShares: [
          { reason: '1', label: 'Deductible', amountCents: 3_000 },
          { reason: '3', label: 'Copay', amountCents: 2_500 },
        ],
        patientPaidCents: 0,
        patientBalanceCents: 5_500,
      }),
    ]);
    expect(statement.paymentsReceived.map((p) => p.paymentId)).toEqual(['pay-1']);
  });

  it('renders a PDF whose text shows the amounts and the reasons', async () => {
    const text = await pdfText(await pdfOf(statement.pdf));
    for (const expected of [
      'Patient statement',
      `Patient: ${patientId}`,
      'Statement: stmt-2025-01-31',
      'Amount due: $65.00 by 2025-03-02',
      `Date of service 2025-01-02 - claim ${coinsurance}`,
      `Date of service 2025-01-03 - claim ${deductible}`,
      '99213-25 x1 $150.00',
      '93000 x1 $50.00',
      'Charged $200.00',
      'Insurance paid -$120.00',
      'Insurance adjusted (not owed by you) -$60.00',
      'Coinsurance (PR-2) $20.00',
      'Paid by you -$10.00',
      'Balance for this visit $10.00',
      'Insurance paid -$90.00',
      'Deductible (PR-1) $30.00',
      'Copay (PR-3) $25.00',
      'Balance for this visit $55.00',
      'pay-1 (card) -$10.00',
      'AMOUNT DUE by 2025-03-02 $65.00',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('pay-2');
  });

  it('gives the same bytes every time it is rendered', async () => {
    const [first, second] = [await pdfOf(statement.pdf), await pdfOf(statement.pdf)];
    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(second).digest('hex')).toBe(createHash('sha256').update(first).digest('hex'));
  });

  it('lists the statement and answers it as JSON', async () => {
    const list = await t.http.get(`/patients/${patientId}/statements`).expect(200);
    expect(list.body.statements).toEqual([
      expect.objectContaining({ statementId: 'stmt-2025-01-31', amountDueCents: 6_500, claimCount: 2, pdf: statement.pdf }),
    ]);
    const one = await t.http.get(`/patients/${patientId}/statements/stmt-2025-01-31`).expect(200);
    const { pdf: _pdf, ...captured } = statement;
    expect(one.body).toEqual(captured);
  });

  it('a second statement names the first and the payments since its cut-off', async () => {
    clock.set('2025-02-28T12:00:00Z');
    const response = await t.http.post(`/patients/${patientId}/statements`).send({ statementId: 'stmt-feb', dueDate: '2025-03-20' }).expect(201);
    expect(response.body).toMatchObject({
      statementId: 'stmt-feb',
      dueDate: '2025-03-20',
      previousStatement: { statementId: 'stmt-2025-01-31', statementDate: '2025-01-31', amountDueCents: 6_500 },
      amountDueCents: 6_000,
    });
    expect(response.body.paymentsReceived.map((p: { paymentId: string }) => p.paymentId)).toEqual(['pay-2']);
  });

  it('an Idempotency-Key retry issues nothing twice and answers as before', async () => {
    clock.set('2025-03-01T09:00:00Z');
    const send = () => t.http.post(`/patients/${patientId}/statements`).set('Idempotency-Key', `stmt-${patientId}-mar`).send({ statementId: 'stmt-mar' });
    const first = await send();
    expect(first.status).toBe(201);
    const events = await t.eventCount();
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await t.eventCount()).toBe(events);
  });

  it('does not disturb claim folding: the claims keep their balances and histories', async () => {
    const claim = await t.http.get(`/claims/${coinsurance}`).expect(200);
    expect(claim.body.balances).toMatchObject({ patientResponsibilityCents: 2_000, patientPaidCents: 1_000, patientBalanceCents: 1_000 });
    const history = await t.http.get(`/claims/${coinsurance}/history`).expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['ClaimSubmitted', 'RemittancePosted', 'PatientPaymentReceived']);
    const balance = await t.http.get(`/patients/${patientId}/balance`).expect(200);
    expect(balance.body.balanceCents).toBe(6_000);
  });

  describe('bad input: a problem answer and nothing appended', () => {
    const refused = async (send: () => Promise<import('supertest').Response>, status: number, code?: string) => {
      const before = await t.eventCount();
      expectProblem(await send(), status, code);
      expect(await t.eventCount()).toBe(before);
    };

    it('422 AS_OF_IN_FUTURE for a cut-off after now', async () => {
      await refused(() => t.http.post(`/patients/${patientId}/statements`).send({ asOf: '2030-01-01' }), 422, 'AS_OF_IN_FUTURE');
    });

    it('422 STATEMENT_BEFORE_PREVIOUS for a cut-off before the last statement', async () => {
      await refused(() => t.http.post(`/patients/${patientId}/statements`).send({ asOf: '2025-01-15' }), 422, 'STATEMENT_BEFORE_PREVIOUS');
    });

    it('409 DUPLICATE_STATEMENT for a statement id already issued', async () => {
      await refused(() => t.http.post(`/patients/${patientId}/statements`).send({ statementId: 'stmt-feb' }), 409, 'DUPLICATE_STATEMENT');
    });

    it('422 NOTHING_OWED for a patient who owes nothing', async () => {
      const other = uid('pat');
      await remittedClaim(t.http, other, [
        { lineNumber: 1, paidCents: 10_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 5_000 }] },
        { lineNumber: 2, paidCents: 5_000, adjustments: [] },
      ]);
      await refused(() => t.http.post(`/patients/${other}/statements`).send({}), 422, 'NOTHING_OWED');
    });

    it.each([
      ['a malformed cut-off', { asOf: 'last tuesday' }],
      ['an unknown field', { amountCents: 5 }],
      ['a due date that is no date', { dueDate: '2025-02-30' }],
      ['a due date before the statement date', { asOf: '2025-03-01T09:00:00Z', dueDate: '2025-02-01', statementId: 'stmt-early-due' }],
    ])('400 for %s', async (_, body) => {
      await refused(() => t.http.post(`/patients/${patientId}/statements`).send(body), 400);
    });

    it('404 for an unknown statement, as PDF or JSON', async () => {
      expectProblem(await t.http.get(`/patients/${patientId}/statements/stmt-nope.pdf`), 404);
      expectProblem(await t.http.get(`/patients/${patientId}/statements/stmt-nope`), 404);
      expectProblem(await t.http.get(`/patients/${uid('pat')}/statements`), 404);
    });
  });
});
