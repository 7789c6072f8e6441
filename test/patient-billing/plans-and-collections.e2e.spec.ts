/**
 * A patient's year over real HTTP on a real SQLite file, with the ledger's clock moved by the test:
 * two claims billed on statements; a payment plan on one of them is agreed, its first installment
 * paid, the second missed as of a later date, the third missed too and the plan defaults; the
 * collections worklist then holds the balance; it is placed with an agency (aging reports it
 * apart), a payment still posts while placed, and the placement is recalled.
 */
import type { Response } from 'supertest';
import { expectProblem, startTestApp, uid, type TestApp } from '../support/test-app';
import { COINSURANCE_LINES, DEDUCTIBLE_COPAY_LINES, remittedClaim, TestClock } from './support';

describe('payment plans and collections (e2e)', () => {
  const clock = new TestClock('2025-01-06T09:00:00Z');
  const patientId = uid('pat');
  let t: TestApp;
  /** Deductible $30 + copay $25: the patient owes $55; goes on the plan. */
  let planned: string;
  /** Coinsurance $20. */
  let other: string;

  const at = (iso: string) => clock.set(iso);
  const post = (path: string, body: object = {}) => t.http.post(path).set('X-Actor', 'biller.lee').send(body);
  const refused = async (send: () => Promise<Response>, status: number, code?: string) => {
    const before = await t.eventCount();
    expectProblem(await send(), status, code);
    expect(await t.eventCount()).toBe(before);
  };
  const worklistEntry = async (query = '') => {
    const response = await t.http.get(`/worklists/collections${query}`).expect(200);
    return (response.body.patients as Array<{ patientId: string; balanceCents: number; claims: Array<{ claimId: string; statementCount: number }> }>).find((p) => p.patientId === patientId);
  };
  const aging = async () => (await t.http.get(`/patients/${patientId}/aging`).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    planned = (await remittedClaim(t.http, patientId, DEDUCTIBLE_COPAY_LINES(), { dateOfService: '2025-01-02' })).claimId;
    other = (await remittedClaim(t.http, patientId, COINSURANCE_LINES(), { dateOfService: '2025-01-03' })).claimId;
    at('2025-02-01T09:00:00Z');
    await post(`/patients/${patientId}/statements`, { asOf: '2025-01-31' }).expect(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('agrees a plan: the total split into monthly installments, the claims it covers', async () => {
    at('2025-02-01T10:00:00Z');
    const response = await post(`/patients/${patientId}/payment-plans`, {
      planId: 'plan-1',
      claimIds: [planned],
      installmentCount: 3,
      firstDueDate: '2025-02-15',
      frequency: 'monthly',
    }).expect(201);
    expect(response.body).toMatchObject({
      planId: 'plan-1',
      status: 'current',
      claimIds: [planned],
      totalCents: 5_500,
      paidCents: 0,
      missesToDefault: 2,
      graceDays: 0,
      installments: [
        { number: 1, dueDate: '2025-02-15', amountCents: 1_834, paidCents: 0, missed: false },
        { number: 2, dueDate: '2025-03-15', amountCents: 1_833, paidCents: 0, missed: false },
        { number: 3, dueDate: '2025-04-15', amountCents: 1_833, paidCents: 0, missed: false },
      ],
    });
  });

  it('refuses what the plan rules forbid, appending nothing', async () => {
    await refused(() => post(`/patients/${patientId}/payment-plans`, { planId: 'plan-1', claimIds: [other], installmentCount: 1, firstDueDate: '2025-03-01', frequency: 'monthly' }), 409, 'DUPLICATE_PLAN');
    await refused(
      () => post(`/patients/${patientId}/payment-plans`, { planId: 'plan-2', claimIds: [planned], installmentCount: 2, firstDueDate: '2025-03-01', frequency: 'monthly' }),
      422,
      'CLAIM_ON_CURRENT_PLAN',
    );
    await refused(
      () => post(`/patients/${patientId}/payment-plans`, { planId: 'plan-2', claimIds: [other], totalCents: 2_001, installmentCount: 2, firstDueDate: '2025-03-01', frequency: 'monthly' }),
      422,
      'PLAN_EXCEEDS_BALANCE',
    );
    await refused(() => post(`/patients/${patientId}/payment-plans`, { planId: 'plan-2', claimIds: [other], installmentCount: 0, firstDueDate: '2025-03-01', frequency: 'monthly' }), 400);
    await refused(() => post(`/patients/${patientId}/payment-plans`, { planId: 'plan-2', claimIds: [other], installmentCount: 2, firstDueDate: '2025-03-01', frequency: 'daily' }), 400);
    await refused(() => post(`/patients/${patientId}/collections`, { placementId: 'plc-0', agency: 'Acme Recovery LLC', claimIds: [planned] }), 422, 'CLAIM_ON_CURRENT_PLAN');
  });

  it('pay: a patient payment to the covered claim satisfies the first installment', async () => {
    at('2025-02-10T12:00:00Z');
    await post(`/patients/${patientId}/payments`, { paymentId: 'pay-1', amountCents: 1_834, method: 'card', allocations: [{ claimId: planned, amountCents: 1_834 }] }).expect(201);
    at('2025-02-20T09:00:00Z');
    const response = await post(`/patients/${patientId}/payment-plans/plan-1/evaluate`).expect(200);
    expect(response.body.appended).toEqual([]);
    expect(response.body.plan).toMatchObject({ status: 'current', paidCents: 1_834, remainingCents: 3_666, missedInstallments: [] });
    expect(response.body.plan.installments[0]).toMatchObject({ paidCents: 1_834, missed: false });
  });

  it('a statement shows what is due on the plan by its due date, and the other claim in full', async () => {
    at('2025-03-01T09:00:00Z');
    const response = await post(`/patients/${patientId}/statements`, { asOf: '2025-02-28' }).expect(201);
    expect(response.body).toMatchObject({
      balanceCents: 5_666,
      paymentPlans: [{ planId: 'plan-1', totalCents: 5_500, paidCents: 1_834, installmentDueCents: 1_833, nextDueDate: '2025-03-15' }],
      amountDueCents: 2_000 + 1_833,
    });
  });

  it('miss: judged at a later date, the unpaid second installment is missed; the plan stays current', async () => {
    at('2025-03-20T09:00:00Z');
    const response = await post(`/patients/${patientId}/payment-plans/plan-1/evaluate`).expect(200);
    expect(response.body.appended).toEqual(['PaymentPlanInstallmentMissed']);
    expect(response.body.plan).toMatchObject({ status: 'current', missedInstallments: [2] });
    expect(response.body.plan.installments[1]).toMatchObject({ number: 2, paidCents: 0, missed: true });
  });

  it('a balance on a current plan is not aged as delinquent, and is not for collections', async () => {
    const body = await aging();
    expect(body).toMatchObject({ agedOn: '2025-03-20', onPaymentPlanCents: 3_666, placedWithCollectionsCents: 0, balanceCents: 5_666 });
    expect(body.buckets).toEqual({ '0-30': 0, '31-60': 2_000, '61-90': 0, '91-120': 0, '121+': 0 });
    const entry = await worklistEntry('?olderThanDays=30&minStatements=2');
    expect(entry?.claims.map((c) => c.claimId)).toEqual([other]);
    expect(entry?.balanceCents).toBe(2_000);
  });

  it('default: judged as of a date past the third installment, the plan defaults at its second miss', async () => {
    at('2025-04-01T09:00:00Z');
    await post(`/patients/${patientId}/statements`, { asOf: '2025-03-31' }).expect(201);
    at('2025-06-01T09:00:00Z');
    const response = await post(`/patients/${patientId}/payment-plans/plan-1/evaluate?asOf=2025-04-20`).expect(200);
    expect(response.body.appended).toEqual(['PaymentPlanInstallmentMissed', 'PaymentPlanDefaulted']);
    expect(response.body.plan).toMatchObject({ status: 'defaulted', missedInstallments: [2, 3], paidCents: 1_834, remainingCents: 3_666 });
    const again = await post(`/patients/${patientId}/payment-plans/plan-1/evaluate`).expect(200);
    expect(again.body.appended).toEqual([]);
    const plans = await t.http.get(`/patients/${patientId}/payment-plans`).expect(200);
    expect(plans.body.plans.map((p: { planId: string; status: string }) => [p.planId, p.status])).toEqual([['plan-1', 'defaulted']]);
  });

  it('refuses a plan judged in the future or one that does not exist, appending nothing', async () => {
    await refused(() => post(`/patients/${patientId}/payment-plans/plan-1/evaluate?asOf=2030-01-01`), 422, 'AS_OF_IN_FUTURE');
    await refused(() => post(`/patients/${patientId}/payment-plans/plan-9/evaluate`), 404);
    await refused(() => post(`/patients/${patientId}/payment-plans/plan-1/evaluate?asOf=soon`), 400);
  });

  it('the collections worklist then holds the balance: billed three times, first more than 120 days ago, no current plan', async () => {
    const entry = await worklistEntry();
    expect(entry).toMatchObject({ patientId, balanceCents: 5_666, oldestStatementDate: '2025-01-31', ageDays: 121 });
    expect(entry?.claims.map((c) => [c.claimId, c.statementCount])).toEqual([
      [planned, 3],
      [other, 3],
    ]);
    const body = await aging();
    expect(body).toMatchObject({ onPaymentPlanCents: 0, balanceCents: 5_666 });
    expect(body.buckets['121+']).toBe(5_666);
  });

  it('places the balance with an agency: off the worklist, reported apart in patient aging', async () => {
    at('2025-06-02T09:00:00Z');
    const response = await post(`/patients/${patientId}/collections`, { placementId: 'plc-1', agency: 'Acme Recovery LLC', claimIds: [planned, other] }).expect(201);
    expect(response.body).toMatchObject({ placementId: 'plc-1', agency: 'Acme Recovery LLC', status: 'placed', placedCents: 5_666, balanceCents: 5_666 });
    expect(await worklistEntry()).toBeUndefined();
    const body = await aging();
    expect(body).toMatchObject({ placedWithCollectionsCents: 5_666, placedByAgency: [{ agency: 'Acme Recovery LLC', claimCount: 2, balanceCents: 5_666 }], balanceCents: 5_666 });
    expect(body.buckets['121+']).toBe(0);
    await refused(() => post(`/patients/${patientId}/collections`, { placementId: 'plc-2', agency: 'Other Agency', claimIds: [other] }), 422, 'CLAIM_PLACED_WITH_COLLECTIONS');
    await refused(
      () => post(`/patients/${patientId}/payment-plans`, { planId: 'plan-2', claimIds: [other], installmentCount: 2, firstDueDate: '2025-07-01', frequency: 'monthly' }),
      422,
      'CLAIM_PLACED_WITH_COLLECTIONS',
    );
    await refused(() => post(`/patients/${patientId}/collections`, { placementId: 'plc-1', agency: 'Acme Recovery LLC', claimIds: [other] }), 409, 'DUPLICATE_PLACEMENT');
  });

  it('a payment received while placed still posts normally', async () => {
    at('2025-06-10T09:00:00Z');
    await post(`/patients/${patientId}/payments`, { paymentId: 'pay-2', amountCents: 1_000, method: 'check', allocations: [{ claimId: other, amountCents: 1_000 }] }).expect(201);
    expect((await t.http.get(`/claims/${other}`).expect(200)).body.balances.patientBalanceCents).toBe(1_000);
    const placements = await t.http.get(`/patients/${patientId}/collections`).expect(200);
    expect(placements.body.placements[0]).toMatchObject({ placedCents: 5_666, balanceCents: 4_666 });
    expect((await aging()).placedWithCollectionsCents).toBe(4_666);
  });

  it('recalls the placement: the balance is the practice’s again and back on the worklist', async () => {
    at('2025-06-15T09:00:00Z');
    const response = await post(`/patients/${patientId}/collections/plc-1/recall`, { reason: 'patient disputes the balance' }).expect(201);
    expect(response.body).toMatchObject({ status: 'recalled', recalledAt: '2025-06-15T09:00:00.000Z' });
    await refused(() => post(`/patients/${patientId}/collections/plc-1/recall`, { reason: 'again' }), 422, 'ALREADY_RECALLED');
    await refused(() => post(`/patients/${patientId}/collections/plc-9/recall`, { reason: 'unknown' }), 404);
    await refused(() => post(`/patients/${patientId}/collections/plc-1/recall`, {}), 400);
    expect((await worklistEntry())?.balanceCents).toBe(4_666);
  });

  it('the patient ledger tells the whole story, and ends at the patient balance', async () => {
    const ledger = (await t.http.get(`/patients/${patientId}/ledger`).expect(200)).body as {
      patientBalanceCents: number;
      entries: Array<{ eventType: string; kind: string; patientBalanceCents: number; description: string }>;
    };
    const balance = (await t.http.get(`/patients/${patientId}/balance`).expect(200)).body.balanceCents;
    expect(balance).toBe(4_666);
    expect(ledger.patientBalanceCents).toBe(balance);
    expect(ledger.entries.at(-1)?.patientBalanceCents).toBe(balance);
    const types = ledger.entries.map((e) => e.eventType);
    for (const type of ['StatementIssued', 'PaymentPlanAgreed', 'PatientPaymentReceived', 'PaymentPlanInstallmentMissed', 'PaymentPlanDefaulted', 'PlacedWithCollections', 'RecalledFromCollections']) {
      expect(types).toContain(type);
    }
    expect(ledger.entries.filter((e) => e.kind === 'patient_responsibility').map((e) => e.description)).toEqual([
      'Deductible (PR-1): patient owes $30.00',
      'Copay (PR-3): patient owes $25.00',
      'Coinsurance (PR-2): patient owes $20.00',
    ]);
  });

  it('the ledger pages by whole events; following the cursors gives the whole ledger', async () => {
    const whole = (await t.http.get(`/patients/${patientId}/ledger`).expect(200)).body.entries as Array<{ position: string }>;
    const paged: Array<{ position: string }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const body = (await t.http.get(`/patients/${patientId}/ledger?limit=4${cursor === undefined ? '' : `&cursor=${cursor}`}`).expect(200)).body;
      expect(new Set(body.entries.map((e: { position: string }) => e.position)).size).toBeLessThanOrEqual(4);
      paged.push(...body.entries);
      cursor = body.nextCursor;
      if (cursor === undefined) break;
    }
    expect(paged).toEqual(whole);
    expectProblem(await t.http.get(`/patients/${patientId}/ledger?cursor=${Buffer.from('not-a-position').toString('base64url')}`), 400);
  });

  it('aging across all patients adds up the same', async () => {
    const all = (await t.http.get('/aging/patients').expect(200)).body;
    const mine = await aging();
    expect(all).toMatchObject({ agedOn: '2025-06-15', patientCount: 1, totalCents: mine.balanceCents, buckets: mine.buckets, placedWithCollectionsCents: 0 });
  });

  it('400 for worklist policy parameters out of range', async () => {
    expectProblem(await t.http.get('/worklists/collections?olderThanDays=-1'), 400);
    expectProblem(await t.http.get('/worklists/collections?minStatements=0'), 400);
  });
});
