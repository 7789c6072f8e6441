/**
 * Property tests of the journal over random ledgers driven through the real deciders
 * (test/finance/lifecycles.ts): after every event the journal balances, and the accounts agree
 * with the claims and patients folded independently with evolveClaim and evolvePatient:
 *   A/R - Payer = Σ claim payer balances;  A/R - Patient − Patient Credits = Σ patient balances.
 */
import fc from 'fast-check';
import { balancesOf, evolveClaim, type Claim, type ClaimFoldEvent } from '../../src/claims/claim';
import { evolvePatient, initialPatientState, type Patient, type PatientEvent } from '../../src/patients/patient';
import {
  AR_PATIENT,
  AR_PAYER,
  CASH,
  CHART_OF_ACCOUNTS,
  CONTRACTUAL_ALLOWANCES,
  GROSS_CHARGES,
  PATIENT_CREDITS,
  WRITE_OFF_ACCOUNTS,
} from '../../src/finance/chart-of-accounts';
import { postEvent, type ClaimBook, type JournalLine, type LedgerClaim, type SourceEvent } from '../../src/finance/journal';
import { TrialBalanceAccumulator } from '../../src/finance/trial-balance';
import { CLAIMS, ledgerOf, PATIENTS, scriptArb, type LedgerEvent } from './lifecycles';

const NUM_RUNS = 300;

const memoryBook = (): ClaimBook & { claims: Map<string, LedgerClaim> } => {
  const claims = new Map<string, LedgerClaim>();
  return { claims, get: (id) => claims.get(id), set: (id, c) => void claims.set(id, c) };
};

export const toSource = (e: LedgerEvent, i: number): SourceEvent => ({
  id: `evt-${i + 1}`,
  position: BigInt(i + 1),
  streamId: e.streamId,
  type: e.event.type,
  data: e.event.data,
  recordedAt: new Date(e.atMs).toISOString(),
});

const isPatientEvent = (event: ClaimFoldEvent): event is PatientEvent => event.type === 'PatientPaymentReceived' || event.type === 'PatientRefundIssued';

/** The claims and patients after `events`, folded without the journal's code. */
const independentFold = (events: readonly LedgerEvent[]): { claims: Claim[]; patients: Patient[] } => {
  const claims = CLAIMS.map((c) =>
    events.reduce<Claim | null>((s, e) => (isPatientEvent(e.event) || e.event.data.claimId === c.claimId ? evolveClaim(s, e.event) : s), null),
  ).filter((c): c is Claim => c !== null);
  const patients = PATIENTS.map((patientId) =>
    events.reduce((s, e) => (isPatientEvent(e.event) && e.event.data.patientId === patientId ? evolvePatient(s, e.event) : s), initialPatientState(patientId)),
  );
  return { claims, patients };
};

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const net = (lines: readonly JournalLine[], account: string, claimId?: string): number =>
  sum(lines.filter((l) => l.account === account && (claimId === undefined || l.claimId === claimId)).map((l) => l.debitCents - l.creditCents));

const assertBooks = (lines: readonly JournalLine[], trial: TrialBalanceAccumulator, events: readonly LedgerEvent[]): void => {
  const { claims, patients } = independentFold(events);
  const balances = claims.map((c) => balancesOf(c.money));
  const unallocatedCents = sum(patients.map((p) => p.unallocatedCreditCents));
  const result = trial.result();
  // Double entry: debits = credits, overall and account by account through the accumulator.
  expect(result.totals.debitCents).toBe(result.totals.creditCents);
  // The invariants of the issue.
  expect(trial.netDebitCents(AR_PAYER)).toBe(sum(balances.map((b) => b.payerBalanceCents)));
  expect(trial.netDebitCents(AR_PATIENT) + trial.netDebitCents(PATIENT_CREDITS)).toBe(sum(balances.map((b) => b.patientBalanceCents)) - unallocatedCents);
  // And finer: each account agrees with the figure it stands for.
  expect(trial.netDebitCents(AR_PATIENT)).toBe(sum(balances.map((b) => b.patientBalanceCents)));
  expect(0 - trial.netDebitCents(PATIENT_CREDITS)).toBe(unallocatedCents);
  expect(0 - trial.netDebitCents(GROSS_CHARGES)).toBe(sum(balances.map((b) => b.chargesCents)));
  expect(trial.netDebitCents(CONTRACTUAL_ALLOWANCES)).toBe(sum(balances.map((b) => b.contractualAdjustmentCents)));
  const writeOffAccounts = [...new Set(Object.values(WRITE_OFF_ACCOUNTS))];
  expect(sum(writeOffAccounts.map((a) => trial.netDebitCents(a)))).toBe(sum(balances.map((b) => b.writeOffCents)));
  const received = sum(events.map((e) => (e.event.type === 'PatientPaymentReceived' ? e.event.data.amountCents : 0)));
  const refunded = sum(events.map((e) => (e.event.type === 'PatientRefundIssued' ? e.event.data.amountCents : 0)));
  expect(trial.netDebitCents(CASH)).toBe(sum(balances.map((b) => b.payerPaidCents)) + received - refunded);
  // Per claim: the claim's sub-ledger in A/R is its balance.
  for (const claim of claims) {
    const b = balancesOf(claim.money);
    expect(net(lines, AR_PAYER, claim.claimId)).toBe(b.payerBalanceCents);
    expect(net(lines, AR_PATIENT, claim.claimId)).toBe(b.patientBalanceCents);
  }
};

describe('journal over random ledgers (property)', () => {
  it('balances after every event, and the accounts equal the claims and patients they stand for', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const events = ledgerOf(script);
        const book = memoryBook();
        const trial = new TrialBalanceAccumulator();
        const lines: JournalLine[] = [];
        events.forEach((event, i) => {
          const posted = postEvent(toSource(event, i), book);
          // Every event's own lines balance, each line has one positive side, and lines are numbered 1..n.
          expect(sum(posted.map((l) => l.debitCents))).toBe(sum(posted.map((l) => l.creditCents)));
          posted.forEach((l, n) => {
            expect(l.lineNumber).toBe(n + 1);
            expect((l.debitCents > 0 && l.creditCents === 0) || (l.creditCents > 0 && l.debitCents === 0)).toBe(true);
            expect(CHART_OF_ACCOUNTS.some((a) => a.code === l.account)).toBe(true);
            expect(l.position).toBe(BigInt(i + 1));
          });
          for (const l of posted) trial.add(l);
          lines.push(...posted);
          try {
            assertBooks(lines, trial, events.slice(0, i + 1));
          } catch (error) {
            const story = events.slice(0, i + 1).map((e, k) => `  ${k}. ${e.event.type} ${JSON.stringify(e.event.data)}`).join('\n');
            throw new Error(`after event ${i} (${event.event.type}): ${(error as Error).message}\n${story}`);
          }
        });
        // The books' own claims are the independently folded ones.
        for (const claim of independentFold(events).claims) expect(book.claims.get(claim.claimId)?.claim).toEqual(claim);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches what the journal must handle (so the property is not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scriptArb, (script) => {
        const events = ledgerOf(script);
        const book = memoryBook();
        events.forEach((e, i) => {
          seen.add(e.event.type);
          for (const line of postEvent(toSource(e, i), book)) seen.add(`${e.event.type}:${line.account}`);
          if (e.event.type === 'PatientRefundIssued') seen.add(e.event.data.claimId === undefined ? 'refund-from-credit' : 'refund-from-claim');
          if (e.event.type === 'ClaimCorrected' && e.event.data.lines !== undefined) seen.add('correction-with-lines');
        });
        for (const c of book.claims.values()) if (c.claim.status === 'closed') seen.add('closed');
      }),
      { numRuns: NUM_RUNS, seed: 7 },
    );
    const expected = [
      'ClaimSubmitted:1200',
      'RemittancePosted:1000',
      'RemittancePosted:4100',
      'RemittancePosted:1210',
      'RemittanceReversed:1000',
      'WriteOffPosted:5100',
      'WriteOffPosted:4200',
      'WriteOffPosted:4300',
      'ClaimVoided:4000',
      'ClaimCorrected:4000',
      'PatientPaymentReceived:2100',
      'PatientPaymentReceived:1210',
      'PatientRefundIssued:2100',
      'PatientRefundIssued:1210',
      'refund-from-credit',
      'refund-from-claim',
      'correction-with-lines',
      'ClaimRejected',
      'DenialReceived',
      'ClaimResubmitted',
      'closed',
    ];
    expect(expected.filter((what) => !seen.has(what))).toEqual([]);
  });
});
