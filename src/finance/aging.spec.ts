import { AgingAccumulator, type AgingInput } from './aging';

const claim = (overrides: Partial<AgingInput>): AgingInput => ({
  payerId: 'payer-1',
  firstSubmittedAt: '2026-01-01T00:00:00Z',
  payerBalanceCents: 0,
  patientBalanceCents: 0,
  patientOwesSince: null,
  ...overrides,
});

describe('A/R aging', () => {
  const asOf = new Date('2026-06-01T00:00:00Z');

  it('ages payer balances by days since first submission, at the bucket edges', () => {
    const aging = new AgingAccumulator(asOf);
    // 30 days → 0-30; 31 → 31-60; 90 → 61-90; 120 → 91-120; 121 → 121+.
    for (const [days, cents] of [[30, 1], [31, 10], [90, 100], [120, 1_000], [121, 10_000]] as const) {
      aging.add(claim({ firstSubmittedAt: new Date(asOf.getTime() - days * 86_400_000).toISOString(), payerBalanceCents: cents }));
    }
    aging.add(claim({ payerId: 'payer-0' }));
    const result = aging.result(0);
    expect(result.payers.map((p) => p.id)).toEqual(['payer-0', 'payer-1']);
    expect(result.payers[0]).toMatchObject({ claimCount: 0, totalCents: 0 });
    expect(result.payers[1]).toMatchObject({ claimCount: 5, totalCents: 11_111, buckets: { '0-30': 1, '31-60': 10, '61-90': 100, '91-120': 1_000, '121+': 10_000 } });
  });

  it('ages patient balances from when the patient began to owe; overpaid claims and unallocated credit are credits', () => {
    const aging = new AgingAccumulator(asOf);
    aging.add(claim({ patientBalanceCents: 2_000, patientOwesSince: '2026-05-20T00:00:00Z' }));
    aging.add(claim({ patientBalanceCents: 500, patientOwesSince: '2026-01-15T00:00:00Z' }));
    aging.add(claim({ patientBalanceCents: -300 }));
    const { patients } = aging.result(1_000);
    expect(patients).toEqual({
      scope: 'patients',
      id: '*',
      claimCount: 2,
      buckets: { '0-30': 2_000, '31-60': 0, '61-90': 0, '91-120': 0, '121+': 500 },
      creditsCents: 1_300,
      totalCents: 2_000 + 500 - 300 - 1_000,
    });
  });
});
