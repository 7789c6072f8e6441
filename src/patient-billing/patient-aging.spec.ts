import { ageClaim, bucketOf, collectionsWorklist, isCollectible, summarizeAging, type BillingClaim, type CollectionsPolicy } from './patient-aging';

const TODAY = '2025-09-01';
const POLICY: CollectionsPolicy = { olderThanDays: 120, minStatements: 3 };

const claim = (overrides: Partial<BillingClaim> = {}): BillingClaim => ({
  claimId: 'clm-1',
  patientId: 'pat-1',
  dateOfService: '2025-03-14',
  patientBalanceCents: 4_000,
  firstStatementDate: '2025-04-30',
  lastStatementDate: '2025-06-30',
  statementCount: 3,
  planId: null,
  placement: null,
  ...overrides,
});

describe('patient aging', () => {
  it('ages a billed balance by days since its first statement date', () => {
    expect(ageClaim(claim(), TODAY)).toMatchObject({ category: 'aged', ageDays: 124, bucket: '121+' });
    expect(ageClaim(claim({ firstStatementDate: '2025-08-02' }), TODAY)).toMatchObject({ ageDays: 30, bucket: '0-30' });
  });

  it.each([
    [0, '0-30'],
    [30, '0-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '91-120'],
    [120, '91-120'],
    [121, '121+'],
  ])('%p days is in %s', (days, bucket) => {
    expect(bucketOf(days)).toBe(bucket);
  });

  it('reports apart: never billed, on a current plan, placed with collections, credits', () => {
    expect(ageClaim(claim({ firstStatementDate: null, lastStatementDate: null, statementCount: 0 }), TODAY).category).toBe('not_yet_billed');
    expect(ageClaim(claim({ planId: 'plan-1' }), TODAY)).toMatchObject({ category: 'payment_plan', bucket: null });
    expect(ageClaim(claim({ placement: { placementId: 'plc-1', agency: 'Acme' } }), TODAY)).toMatchObject({ category: 'collections', bucket: null });
    expect(ageClaim(claim({ patientBalanceCents: -500 }), TODAY).category).toBe('credit');
  });

  it('sums to the patient balance: buckets + not yet billed + on plan + placed − credits', () => {
    const claims = [
      claim({ claimId: 'a' }),
      claim({ claimId: 'b', patientBalanceCents: 1_000, firstStatementDate: '2025-08-15' }),
      claim({ claimId: 'c', patientBalanceCents: 700, firstStatementDate: null }),
      claim({ claimId: 'd', patientBalanceCents: 2_000, planId: 'plan-1' }),
      claim({ claimId: 'e', patientBalanceCents: 3_000, placement: { placementId: 'plc-1', agency: 'Acme' } }),
      claim({ claimId: 'f', patientBalanceCents: 1_500, placement: { placementId: 'plc-2', agency: 'Acme' } }),
      claim({ claimId: 'g', patientBalanceCents: -400 }),
    ].map((c) => ageClaim(c, TODAY));
    const summary = summarizeAging(claims, 100);
    expect(summary).toEqual({
      buckets: { '0-30': 1_000, '31-60': 0, '61-90': 0, '91-120': 0, '121+': 4_000 },
      notYetBilledCents: 700,
      onPaymentPlanCents: 2_000,
      placedWithCollectionsCents: 4_500,
      placedByAgency: [{ agency: 'Acme', claimCount: 2, balanceCents: 4_500 }],
      creditsCents: 500,
      totalCents: 4_000 + 1_000 + 700 + 2_000 + 4_500 - 500,
    });
  });
});

describe('collections rules', () => {
  it('a balance billed at least N times, first billed more than the age ago, on no plan, not placed, is collectible', () => {
    expect(isCollectible(ageClaim(claim(), TODAY), POLICY)).toBe(true);
  });

  it.each<[string, Partial<BillingClaim>]>([
    ['billed too few times', { statementCount: 2 }],
    ['first billed too recently (exactly the age is not past it)', { firstStatementDate: '2025-05-04' }],
    ['on a current payment plan', { planId: 'plan-1' }],
    ['already placed', { placement: { placementId: 'plc-1', agency: 'Acme' } }],
    ['never billed', { firstStatementDate: null, statementCount: 0 }],
    ['a credit', { patientBalanceCents: -1 }],
  ])('is not collectible when %s', (_, overrides) => {
    expect(isCollectible(ageClaim(claim(overrides), TODAY), POLICY)).toBe(false);
  });

  it('the policy is configurable', () => {
    const young = ageClaim(claim({ firstStatementDate: '2025-07-15', statementCount: 1 }), TODAY);
    expect(isCollectible(young, POLICY)).toBe(false);
    expect(isCollectible(young, { olderThanDays: 30, minStatements: 1 })).toBe(true);
  });

  it('the worklist holds one entry per patient with the collectible claims and their sum', () => {
    const claims = [
      claim({ claimId: 'a', patientId: 'pat-2' }),
      claim({ claimId: 'b', patientId: 'pat-1', patientBalanceCents: 1_000, firstStatementDate: '2025-03-31' }),
      claim({ claimId: 'c', patientId: 'pat-1', patientBalanceCents: 2_500 }),
      claim({ claimId: 'd', patientId: 'pat-1', planId: 'plan-1' }),
      claim({ claimId: 'e', patientId: 'pat-3', statementCount: 1 }),
    ].map((c) => ageClaim(c, TODAY));
    const worklist = collectionsWorklist(claims, POLICY);
    expect(worklist.map((e) => [e.patientId, e.balanceCents, e.oldestStatementDate, e.ageDays, e.claims.map((c) => c.claimId)])).toEqual([
      ['pat-1', 3_500, '2025-03-31', 154, ['b', 'c']],
      ['pat-2', 4_000, '2025-04-30', 124, ['a']],
    ]);
  });
});
