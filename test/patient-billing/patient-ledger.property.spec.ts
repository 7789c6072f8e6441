/**
 * Property (fast-check) over real HTTP on a real SQLite file: for random patient lifecycles —
 * remittances with random patient shares, denials, payments (allocated in part, the rest credit),
 * refunds, write-offs, take-backs, voids, statements, payment plans judged and defaulted,
 * placements and recalls — the patient ledger's running balance after every event equals the
 * patient balance the ledger answers as of that event (GET /patients/{id}/balance?position=).
 */
import fc from 'fast-check';
import { encounterBody, claimBody, startTestApp, uid, type TestApp } from '../support/test-app';

/** Runs and steps: enough to meet every kind of event in many orders, small enough to stay a few seconds. */
const RUNS = 20;
const STEPS_MIN = 6;
const STEPS_MAX = 16;
const CLAIMS_MAX = 3;
const DAY_MS = 86_400_000;

type Op =
  | { kind: 'remit'; claim: number; paidPct: number; prPct: number; reason: '1' | '2' | '3' }
  | { kind: 'deny'; claim: number }
  | { kind: 'pay'; amountCents: number; allocatePct: number }
  | { kind: 'refundCredit'; pct: number }
  | { kind: 'refundClaim'; claim: number }
  | { kind: 'writeOff'; claim: number; pct: number }
  | { kind: 'reverse'; claim: number }
  | { kind: 'void'; claim: number }
  | { kind: 'statement' }
  | { kind: 'plan'; claim: number; firstDueDaysAgo: number }
  | { kind: 'evaluate' }
  | { kind: 'place'; claim: number }
  | { kind: 'recall' };

const claimIndex = fc.nat(CLAIMS_MAX - 1);
const pct = fc.integer({ min: 0, max: 100 });
const prReason = fc.constantFrom('1' as const, '2' as const, '3' as const);
/** How each claim is first adjudicated (null: left awaiting the payer), so most lifecycles start with something owed. */
const firstRemittance = fc.option(fc.record({ paidPct: fc.integer({ min: 0, max: 90 }), prPct: fc.integer({ min: 10, max: 100 }), reason: prReason }), { freq: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('remit' as const), claim: claimIndex, paidPct: pct, prPct: pct, reason: prReason }) },
  fc.record({ kind: fc.constant('deny' as const), claim: claimIndex }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), amountCents: fc.integer({ min: 1, max: 12_000 }), allocatePct: pct }) },
  fc.record({ kind: fc.constant('refundCredit' as const), pct: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('refundClaim' as const), claim: claimIndex }),
  fc.record({ kind: fc.constant('writeOff' as const), claim: claimIndex, pct: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('reverse' as const), claim: claimIndex }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), claim: claimIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('statement' as const) }) },
  fc.record({ kind: fc.constant('plan' as const), claim: claimIndex, firstDueDaysAgo: fc.integer({ min: -30, max: 90 }) }),
  fc.record({ kind: fc.constant('evaluate' as const) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('place' as const), claim: claimIndex }) },
  fc.record({ kind: fc.constant('recall' as const) }),
);

interface BalanceBody {
  balanceCents: number;
  unallocatedCreditCents: number;
  claims: Array<{ claimId: string; patientBalanceCents: number }>;
}

interface LedgerBody {
  patientBalanceCents: number;
  entries: Array<{ position: string; patientCents: number; patientBalanceCents: number; insuranceCents: number; insuranceBalanceCents: number }>;
  nextCursor?: string;
}

describe('patient ledger (property, e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Drives one lifecycle; commands a rule refuses (4xx) are part of the fun and append nothing. */
  const live = async (patientId: string, firsts: ReadonlyArray<Omit<Extract<Op, { kind: 'remit' }>, 'kind' | 'claim'> | null>, steps: readonly Op[]): Promise<string[]> => {
    const claimCount = firsts.length;
    const ops: Op[] = [...firsts.flatMap((first, claim) => (first === null ? [] : [{ kind: 'remit' as const, claim, ...first }])), ...steps];
    const claims: string[] = [];
    const remittances = new Map<string, string[]>();
    const plans: string[] = [];
    const placements: string[] = [];
    for (let i = 0; i < claimCount; i++) {
      const encounter = encounterBody({ patientId, dateOfService: '2025-01-02' });
      await t.http.post('/encounters').send(encounter).expect(201);
      const claim = claimBody(encounter.encounterId);
      await t.http.post('/claims').send(claim).expect(201);
      claims.push(claim.claimId);
    }
    const balance = async (): Promise<BalanceBody> => (await t.http.get(`/patients/${patientId}/balance`).expect(200)).body as BalanceBody;
    const owed = async (claimId: string): Promise<number> => (await balance()).claims.find((c) => c.claimId === claimId)?.patientBalanceCents ?? 0;
    for (const step of ops) {
      const claimId = 'claim' in step ? (claims[step.claim % claims.length] as string) : '';
      switch (step.kind) {
        case 'remit': {
          const lines = [15_000, 5_000].map((charge, index) => {
            const paidCents = Math.floor((charge * step.paidPct) / 100);
            const prCents = Math.floor(((charge - paidCents) * step.prPct) / 100);
            const coCents = charge - paidCents - prCents;
            const adjustments = [
              ...(coCents > 0 ? [{ group: 'CO', reason: '45', amountCents: coCents }] : []),
              ...(prCents > 0 ? [{ group: 'PR', reason: step.reason, amountCents: prCents }] : []),
            ];
            return { lineNumber: index + 1, paidCents, adjustments };
          });
          const remittanceId = uid('era');
          const response = await t.http.post(`/claims/${claimId}/remittances`).send({ remittanceId, paidCents: lines.reduce((s, l) => s + l.paidCents, 0), lines });
          if (response.status === 201) remittances.set(claimId, [...(remittances.get(claimId) ?? []), remittanceId]);
          break;
        }
        case 'deny':
          await t.http.post(`/claims/${claimId}/denials`).send({ remittanceId: uid('era'), adjustments: [{ group: 'CO', reason: '16', amountCents: 20_000 }], remarks: ['N130'] });
          break;
        case 'pay': {
          const current = await balance();
          let left = Math.floor((step.amountCents * step.allocatePct) / 100);
          const allocations: Array<{ claimId: string; amountCents: number }> = [];
          for (const c of current.claims) {
            const amountCents = Math.min(left, c.patientBalanceCents);
            if (amountCents > 0) (allocations.push({ claimId: c.claimId, amountCents }), (left -= amountCents));
          }
          await t.http.post(`/patients/${patientId}/payments`).send({ paymentId: uid('pay'), amountCents: step.amountCents, method: 'card', allocations }).expect(201);
          break;
        }
        case 'refundCredit': {
          const credit = (await balance()).unallocatedCreditCents;
          const amountCents = Math.floor((credit * step.pct) / 100);
          if (amountCents > 0) await t.http.post(`/patients/${patientId}/refunds`).send({ refundId: uid('ref'), amountCents }).expect(201);
          break;
        }
        case 'refundClaim': {
          const amountCents = -(await owed(claimId));
          if (amountCents > 0) await t.http.post(`/patients/${patientId}/refunds`).send({ refundId: uid('ref'), amountCents, claimId });
          break;
        }
        case 'writeOff': {
          const amountCents = Math.floor(((await owed(claimId)) * step.pct) / 100);
          if (amountCents > 0) await t.http.post(`/claims/${claimId}/write-offs`).send({ amountCents, from: 'patient', reason: 'small_balance' });
          break;
        }
        case 'reverse': {
          const remittanceId = remittances.get(claimId)?.pop();
          if (remittanceId !== undefined) await t.http.post(`/claims/${claimId}/remittances/${remittanceId}/reversal`).send({});
          break;
        }
        case 'void':
          await t.http.post(`/claims/${claimId}/void`).send({ reason: 'billed in error' });
          break;
        case 'statement':
          await t.http.post(`/patients/${patientId}/statements`).send({ statementId: uid('stmt') });
          break;
        case 'plan': {
          const planId = uid('plan');
          const firstDueDate = new Date(Date.now() - step.firstDueDaysAgo * DAY_MS).toISOString().slice(0, 10);
          const response = await t.http.post(`/patients/${patientId}/payment-plans`).send({ planId, claimIds: [claimId], installmentCount: 2, firstDueDate, frequency: 'biweekly' });
          if (response.status === 201) plans.push(planId);
          break;
        }
        case 'evaluate':
          for (const planId of plans) await t.http.post(`/patients/${patientId}/payment-plans/${planId}/evaluate`).expect(200);
          break;
        case 'place': {
          const placementId = uid('plc');
          const response = await t.http.post(`/patients/${patientId}/collections`).send({ placementId, agency: 'Acme Recovery LLC', claimIds: [claimId] });
          if (response.status === 201) placements.push(placementId);
          break;
        }
        case 'recall': {
          const placementId = placements.pop();
          if (placementId !== undefined) await t.http.post(`/patients/${patientId}/collections/${placementId}/recall`).send({ reason: 'recalled' }).expect(201);
          break;
        }
        default: {
          const unknown: never = step;
          throw new Error(`unknown step ${JSON.stringify(unknown)}`);
        }
      }
    }
    return claims;
  };

  it('the running patient balance after every event equals the patient balance as of that event', async () => {
    let checkedEvents = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(firstRemittance, { minLength: 1, maxLength: CLAIMS_MAX }), fc.array(op, { minLength: STEPS_MIN, maxLength: STEPS_MAX }), async (firsts, ops) => {
        const patientId = uid('pat');
        const claims = await live(patientId, firsts, ops);
        const ledger = (await t.http.get(`/patients/${patientId}/ledger`).expect(200)).body as LedgerBody;
        expect(ledger.nextCursor).toBeUndefined();

        // Entries add up: each running balance is the one before plus the entry's amount.
        let patient = 0;
        let insurance = 0;
        for (const entry of ledger.entries) {
          patient += entry.patientCents;
          insurance += entry.insuranceCents;
          expect([entry.patientBalanceCents, entry.insuranceBalanceCents]).toEqual([patient, insurance]);
        }

        // Every event of every claim is in the ledger.
        const positions = [...new Set(ledger.entries.map((e) => e.position))];
        for (const claimId of claims) {
          const history = (await t.http.get(`/claims/${claimId}/history?limit=500`).expect(200)).body as { events: Array<{ position: string }> };
          for (const event of history.events) expect(positions).toContain(event.position);
        }

        // After every event, the ledger's running balance is the patient balance as of that event.
        for (const position of positions) {
          const last = ledger.entries.filter((e) => e.position === position).at(-1);
          const asOf = (await t.http.get(`/patients/${patientId}/balance?position=${position}`).expect(200)).body as BalanceBody;
          expect({ position, balanceCents: last?.patientBalanceCents }).toEqual({ position, balanceCents: asOf.balanceCents });
          checkedEvents += 1;
        }
        const now = (await t.http.get(`/patients/${patientId}/balance`).expect(200)).body as BalanceBody;
        expect(ledger.patientBalanceCents).toBe(now.balanceCents);
      }),
      { numRuns: RUNS },
    );
    // The property held over a real number of events, not a vacuous few.
    expect(checkedEvents).toBeGreaterThan(RUNS * 3);
  });
});
