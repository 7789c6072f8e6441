import {
  CLAIM_ID,
  co,
  corrected,
  denied,
  officeVisit,
  PATIENT_ID,
  PAYER_ID,
  patientPaid,
  refunded,
  refundedFromCredit,
  rejected,
  remittanceLine,
  remitted,
  resubmitted,
  reversed,
  submitted,
  voided,
  writtenOff,
} from '../claims/claim-fixtures';
import { WRITE_OFF_REASONS, type ClaimFoldEvent } from '../claims/claim';
import { given } from '../common/decider-spec';
import { WRITE_OFF_ACCOUNTS } from './chart-of-accounts';
import { evolveLedgerClaim, journalLinesFor, postEvent, toUtc, type JournalLine, type LedgerClaim, type SourceEvent } from './journal';

/** The books as given/when/then folds them: the claims, and how many events were posted (the next position). */
interface Books {
  /** A plain record, not a Map: given/when/then clones the state to check deciding left it untouched. */
  claims: Readonly<Record<string, LedgerClaim>>;
  posted: number;
}

const RECORDED_AT = '2025-07-01T12:00:00Z';
const source = (event: { type: string; data: unknown }, position: number): SourceEvent => ({
  id: `evt-${position}`,
  position: BigInt(position),
  streamId: 'any',
  type: event.type,
  data: event.data,
  recordedAt: RECORDED_AT,
});

const evolveBooks = (books: Books, event: ClaimFoldEvent): Books => {
  const claims = { ...books.claims };
  postEvent(source(event, books.posted + 1), { get: (id) => claims[id], set: (id, c) => void (claims[id] = c) });
  return { claims, posted: books.posted + 1 };
};

const givenBooks = (events: readonly ClaimFoldEvent[]) => given(evolveBooks, { claims: {}, posted: 0 }, events);

/** Lines as `Dr|Cr account amount claim` strings: what a person checks in a journal. */
const entries = (lines: readonly JournalLine[]): string[] =>
  lines.map((l) => `${l.debitCents > 0 ? 'Dr' : 'Cr'} ${l.account} ${l.debitCents || l.creditCents}${l.claimId === null ? '' : ` ${l.claimId}`}`);

const post = (event: ClaimFoldEvent) => (books: Books) => entries(journalLinesFor(source(event, books.posted + 1), (id) => books.claims[id]));

describe('journal lines of each event', () => {
  it('a submission puts the charges in payer A/R against gross charges', () => {
    givenBooks([]).when(post(submitted())).then([`Dr 1200 40000 ${CLAIM_ID}`, `Cr 4000 40000 ${CLAIM_ID}`]);
  });

  it('rejections, denials and resubmissions move no money', () => {
    givenBooks([submitted()]).when(post(rejected())).then([]);
    givenBooks([submitted()]).when(post(denied())).then([]);
    givenBooks([submitted(), denied(), corrected()]).when(post(resubmitted())).then([]);
  });

  it('a remittance: payer paid to cash, contractual to allowances, PR to patient A/R, all out of payer A/R', () => {
    givenBooks([submitted()])
      .when(post(remitted()))
      .then([
        `Dr 1000 24000 ${CLAIM_ID}`,
        `Cr 1200 24000 ${CLAIM_ID}`,
        `Dr 4100 12000 ${CLAIM_ID}`,
        `Cr 1200 12000 ${CLAIM_ID}`,
        `Dr 1210 4000 ${CLAIM_ID}`,
        `Cr 1200 4000 ${CLAIM_ID}`,
      ]);
  });

  it('a negative adjustment (an 835 may carry one) swaps the sides instead of posting a negative amount', () => {
    // Line 1 paid in full; a claim-level OA of −300 means the payer paid 300 more than the lines.
    const remittance = remitted({ lines: [remittanceLine(1, 15_000)], adjustments: [{ group: 'OA', reason: '23', amountCents: -300 }] });
    givenBooks([submitted()])
      .when(post(remittance))
      .then([`Dr 1000 15300 ${CLAIM_ID}`, `Cr 1200 15300 ${CLAIM_ID}`, `Dr 1200 300 ${CLAIM_ID}`, `Cr 4100 300 ${CLAIM_ID}`]);
  });

  it('a reversal mirrors exactly what the remittance moved', () => {
    givenBooks([submitted(), remitted()])
      .when(post(reversed()))
      .then([
        `Dr 1200 24000 ${CLAIM_ID}`,
        `Cr 1000 24000 ${CLAIM_ID}`,
        `Dr 1200 12000 ${CLAIM_ID}`,
        `Cr 4100 12000 ${CLAIM_ID}`,
        `Dr 1200 4000 ${CLAIM_ID}`,
        `Cr 1210 4000 ${CLAIM_ID}`,
      ]);
  });

  it.each(WRITE_OFF_REASONS.flatMap((reason) => (['payer', 'patient'] as const).map((from) => [reason, from] as const)))(
    'write-off for %s from the %s: its account, out of that A/R',
    (reason, from) => {
      const ar = from === 'payer' ? '1200' : '1210';
      givenBooks([submitted(), remitted()])
        .when(post(writtenOff({ reason, from, amountCents: 1_000 })))
        .then([`Dr ${WRITE_OFF_ACCOUNTS[reason]} 1000 ${CLAIM_ID}`, `Cr ${ar} 1000 ${CLAIM_ID}`]);
    },
  );

  it('a correction that lowers charges takes the difference back out of gross charges (and one that keeps them posts nothing)', () => {
    givenBooks([submitted(), denied()]).when(post(corrected({ lines: [officeVisit()] }))).then([`Dr 4000 25000 ${CLAIM_ID}`, `Cr 1200 25000 ${CLAIM_ID}`]);
    givenBooks([submitted(), denied()]).when(post(corrected())).then([]);
  });

  it('a void takes back everything the claim carries, account by account, write-offs included', () => {
    givenBooks([submitted(), linesAdjudicatedWithoutPayment(), writtenOff({ from: 'payer', reason: 'timely_filing', amountCents: 1_000 }), writtenOff({ from: 'patient', reason: 'charity', amountCents: 500 })])
      .when(post(voided()))
      .then([
        `Dr 4000 40000 ${CLAIM_ID}`,
        `Cr 1200 40000 ${CLAIM_ID}`,
        `Dr 1200 13000 ${CLAIM_ID}`,
        `Cr 4100 13000 ${CLAIM_ID}`,
        `Dr 1200 2000 ${CLAIM_ID}`,
        `Cr 1210 2000 ${CLAIM_ID}`,
        `Dr 1200 1000 ${CLAIM_ID}`,
        `Cr 4300 1000 ${CLAIM_ID}`,
        `Dr 1210 500 ${CLAIM_ID}`,
        `Cr 4200 500 ${CLAIM_ID}`,
      ]);
  });

  it('a patient payment: allocations out of patient A/R per claim, the rest to patient credits', () => {
    givenBooks([submitted(), remitted()])
      .when(post(patientPaid({ amountCents: 5_000, allocations: [{ claimId: CLAIM_ID, amountCents: 4_000 }] })))
      .then([`Dr 1000 4000 ${CLAIM_ID}`, `Cr 1210 4000 ${CLAIM_ID}`, 'Dr 1000 1000', 'Cr 2100 1000']);
  });

  it('a refund comes out of the claim it overpaid, or out of unallocated credit', () => {
    const overpaid = [submitted(), remitted(), patientPaid(), reversed(), remitted({ remittanceId: 'era-2', lines: [remittanceLine(1, 15_000), remittanceLine(2, 7_500), remittanceLine(3, 17_500)] })];
    givenBooks(overpaid).when(post(refunded())).then([`Dr 1210 1000 ${CLAIM_ID}`, `Cr 1000 1000 ${CLAIM_ID}`]);
    givenBooks([patientPaid({ allocations: [] })]).when(post(refundedFromCredit())).then(['Dr 2100 1000', 'Cr 1000 1000']);
  });

  it('encounter events post nothing', () => {
    expect(journalLinesFor(source({ type: 'EncounterCoded', data: {} }, 1), () => undefined)).toEqual([]);
    expect(journalLinesFor(source({ type: 'EncounterBilled', data: {} }, 1), () => undefined)).toEqual([]);
  });
});

/** A remittance that pays nothing on line 1 (CO-45 13000, PR-1 2000), the other lines left open: no payment stands, so the claim may be voided. */
function linesAdjudicatedWithoutPayment(): ClaimFoldEvent {
  return remitted({ remittanceId: 'era-zero', lines: [remittanceLine(1, 0, co('45', 13_000), { group: 'PR', reason: '1', amountCents: 2_000 })] });
}

describe('what each line keeps', () => {
  it('event id, position, claim, payer, patient, and both dates in UTC', () => {
    const [line] = journalLinesFor(source(submitted({ submittedAt: '2025-03-15T09:00:00+02:00' }), 7), () => undefined);
    expect(line).toEqual({
      position: 7n,
      eventId: 'evt-7',
      eventType: 'ClaimSubmitted',
      lineNumber: 1,
      account: '1200',
      debitCents: 40_000,
      creditCents: 0,
      claimId: CLAIM_ID,
      payerId: PAYER_ID,
      patientId: PATIENT_ID,
      recordedAt: '2025-07-01T12:00:00.000Z',
      businessAt: '2025-03-15T07:00:00.000Z',
      memo: `claim submitted to ${PAYER_ID}`,
    });
  });

  it('a credit refund names the patient but no claim or payer', () => {
    const lines = givenBooks([patientPaid({ allocations: [] })]).when((books) => journalLinesFor(source(refundedFromCredit(), books.posted + 1), () => undefined));
    lines.then([
      expect.objectContaining({ account: '2100', claimId: null, payerId: null, patientId: PATIENT_ID, businessAt: '2025-05-10T00:00:00.000Z' }) as unknown as JournalLine,
      expect.objectContaining({ account: '1000', claimId: null, payerId: null, patientId: PATIENT_ID }) as unknown as JournalLine,
    ]);
  });
});

describe('instants in UTC', () => {
  it('normalises any zone and precision, rolls over what Date rolls over, and refuses what is no instant', () => {
    expect(toUtc('2025-03-15T09:00:00+02:00')).toBe('2025-03-15T07:00:00.000Z');
    expect(toUtc('2025-03-15T09:00:00Z')).toBe('2025-03-15T09:00:00.000Z');
    expect(toUtc('2025-03-15')).toBe('2025-03-15T00:00:00.000Z');
    expect(toUtc('2026-02-30T00:00:00.000Z')).toBe('2026-03-02T00:00:00.000Z');
    expect(toUtc('2026-02-29T10:00:00.000Z')).toBe('2026-03-01T10:00:00.000Z');
    expect(toUtc('2026-01-31T24:00:00.000Z')).toBe('2026-02-01T00:00:00.000Z');
    expect(() => toUtc('2026-13-01T00:00:00.000Z')).toThrow('not an instant');
  });

  it('gives an instant already in canonical form back as it is', () => {
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 86_400_000 + 3_723_456) {
      const iso = new Date(ms).toISOString();
      expect(toUtc(iso)).toBe(iso);
    }
  });
});

describe('the books follow the claim', () => {
  const fold = (events: ClaimFoldEvent[]): LedgerClaim | undefined =>
    events.reduce<LedgerClaim | undefined>((c, e, i) => evolveLedgerClaim(c, source(e, i + 1)), undefined);

  it('the patient owes from the business date of the remittance that shifted money to them, until settled', () => {
    expect(fold([submitted()])?.patientOwesSince).toBeNull();
    expect(fold([submitted(), remitted()])?.patientOwesSince).toBe('2025-04-10T00:00:00.000Z');
    // A partial payment keeps the date; paying the rest clears it.
    expect(fold([submitted(), remitted(), patientPaid({ amountCents: 1_000, allocations: [{ claimId: CLAIM_ID, amountCents: 1_000 }] })])?.patientOwesSince).toBe('2025-04-10T00:00:00.000Z');
    expect(fold([submitted(), remitted(), patientPaid()])?.patientOwesSince).toBeNull();
  });

  it('keeps standing write-offs by source and reason, and a void clears them', () => {
    const events = [submitted(), remitted(), writtenOff({ amountCents: 1_000 }), writtenOff({ amountCents: 500 }), writtenOff({ reason: 'bad_debt', amountCents: 700 })];
    expect(fold(events)?.writeOffs).toEqual([
      { from: 'patient', reason: 'small_balance', amountCents: 1_500 },
      { from: 'patient', reason: 'bad_debt', amountCents: 700 },
    ]);
    expect(fold([submitted(), voided()])?.writeOffs).toEqual([]);
    expect(fold([submitted(), voided()])?.lastPosition).toBe('2');
  });
});
