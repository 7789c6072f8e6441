import assert from 'node:assert/strict';
import {
  balancesOf,
  BUSINESS_TIME_FIELD,
  CLAIM_EVENT_TYPES,
  evolveClaim,
  remittanceAdjustments,
  splitAdjustments,
  totalChargeCents,
  type Claim,
  type ClaimEvent,
  type ClaimFoldEvent,
  type WriteOffFrom,
  type WriteOffReason,
} from '../claims/claim';
import type { Cents } from '../common/money';
import { unallocatedCents, type PatientEvent } from '../patients/patient';
import {
  AR_PATIENT,
  AR_PAYER,
  CASH,
  CONTRACTUAL_ALLOWANCES,
  GROSS_CHARGES,
  PATIENT_CREDITS,
  WRITE_OFF_ACCOUNTS,
  type AccountCode,
} from './chart-of-accounts';

/**
 * The double-entry journal, pure: every money-moving event becomes balanced debit/credit lines.
 * Entries are never deleted or edited: a reversal, a void or a correction that lowers charges
 * posts mirror or adjusting lines. The journal keeps, at every position,
 *   A/R - Payer                    = Σ claim payer balances
 *   A/R - Patient − Patient Credits = Σ patient balances (Σ claim patient balances − unallocated credit)
 * because each line is derived from the same figures evolveClaim moves (docs/ledger.md).
 */

/** A stored event as the journal needs it: envelope fields and data, nothing of the store. */
export interface SourceEvent {
  id: string;
  position: bigint;
  streamId: string;
  type: string;
  data: unknown;
  recordedAt: string;
}

/** One side of one posting. Exactly one of debitCents and creditCents is non-zero, and it is positive. */
export interface JournalLine {
  position: bigint;
  eventId: string;
  eventType: string;
  /** 1-based within the event: (position, lineNumber) identifies a line. */
  lineNumber: number;
  account: AccountCode;
  debitCents: Cents;
  creditCents: Cents;
  claimId: string | null;
  payerId: string | null;
  patientId: string | null;
  /** When the ledger recorded the event (ISO 8601 UTC). */
  recordedAt: string;
  /** The event's business timestamp (submittedAt, receivedAt, postedAt, …), normalised to ISO 8601 UTC. */
  businessAt: string;
  memo: string;
}

/**
 * One balanced posting of an event: the debit line and the credit line it becomes, which share
 * everything but their side. Postings of an event are numbered from 1; posting n is lines 2n−1
 * (the debit) and 2n (the credit).
 */
export interface JournalPosting {
  debitAccount: AccountCode;
  creditAccount: AccountCode;
  /** Positive. */
  amountCents: Cents;
  claimId: string | null;
  payerId: string | null;
  patientId: string | null;
  memo: string;
}

/** What one event posts: its envelope fields once, and its postings in order (none for an event that moves no money). */
export interface JournalEntry {
  position: bigint;
  eventId: string;
  eventType: string;
  recordedAt: string;
  businessAt: string;
  postings: JournalPosting[];
}

/** Write-off totals by where they came from and why: what a void must take back, account by account. */
export interface WriteOffTotal {
  from: WriteOffFrom;
  reason: WriteOffReason;
  amountCents: Cents;
}

/** A claim as the finance books follow it: the claim evolveClaim folds, plus what the books need beyond it. */
export interface LedgerClaim {
  claim: Claim;
  /** Standing write-offs by source and reason (evolveClaim keeps only the totals). */
  writeOffs: WriteOffTotal[];
  /** Business instant since which the patient has owed on this claim without a break (patient aging); null when nothing is owed. */
  patientOwesSince: string | null;
  /** Position of the last event that touched the claim (a decimal string). */
  lastPosition: string;
}

/** Finds the books' view of a claim before the event being posted. */
export type ClaimLookup = (claimId: string) => LedgerClaim | undefined;

export const PATIENT_EVENT_TYPES: ReadonlySet<string> = new Set<PatientEvent['type']>(['PatientPaymentReceived', 'PatientRefundIssued']);

/** Every event type the journal folds (claim state moves on each, money on some). */
export const JOURNAL_EVENT_TYPES: ReadonlySet<string> = new Set([...CLAIM_EVENT_TYPES, ...PATIENT_EVENT_TYPES]);

/**
 * Already ISO 8601 UTC with milliseconds, as every recorded time and most business times are, and
 * in range for any month (days past 28 and hour 24 can roll over, so they take the slow path).
 */
const CANONICAL_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** An instant as ISO 8601 UTC; business timestamps are stored as given (any zone). */
export const toUtc = (instant: string): string => {
  if (CANONICAL_UTC.test(instant)) return instant;
  const ms = Date.parse(instant);
  assert.ok(!Number.isNaN(ms), `not an instant: ${instant}`);
  return new Date(ms).toISOString();
};

export const businessAtOf = (event: SourceEvent): string => {
  const field = BUSINESS_TIME_FIELD[event.type as ClaimFoldEvent['type']];
  const value = field === undefined ? undefined : (event.data as Record<string, unknown>)[field];
  return typeof value === 'string' ? toUtc(value) : toUtc(event.recordedAt);
};

const asFold = (event: SourceEvent): ClaimFoldEvent => ({ type: event.type, data: event.data }) as ClaimFoldEvent;

/** A balanced pair before it becomes two lines: amount may be negative (835 adjustments can be), then the sides swap. */
interface Posting {
  debit: AccountCode;
  credit: AccountCode;
  amountCents: Cents;
  claim: Claim | null;
  memo: string;
}

const codes = (adjustments: ReadonlyArray<{ group: string; reason: string }>): string =>
  [...new Set(adjustments.map((a) => `${a.group}-${a.reason}`))].join(' ');

const claimPostings = (event: ClaimEvent, before: LedgerClaim): Posting[] => {
  const claim = before.claim;
  const post = (debit: AccountCode, credit: AccountCode, amountCents: Cents, memo: string): Posting => ({ debit, credit, amountCents, claim, memo });
  switch (event.type) {
    case 'ClaimSubmitted':
      // The claim exists only after this event: the posting names it from the event itself.
      return [];
    case 'ClaimRejected':
    case 'DenialReceived':
    case 'ClaimResubmitted':
      // No money moves: a rejected or denied charge stays in payer A/R until corrected, paid, appealed or written off.
      return [];
    case 'ClaimCorrected': {
      // evolveClaim recomputes charges from the lines, the replaced ones or the standing ones.
      const newChargesCents = totalChargeCents(event.data.lines ?? claim.lines);
      const deltaCents = newChargesCents - claim.money.chargesCents;
      return [post(AR_PAYER, GROSS_CHARGES, deltaCents, `correction: charges ${claim.money.chargesCents} -> ${newChargesCents}`)];
    }
    case 'RemittancePosted': {
      const adjustments = remittanceAdjustments(event.data);
      const { contractualCents, patientResponsibilityCents } = splitAdjustments(adjustments);
      const remittance = `remittance ${event.data.remittanceId}`;
      return [
        post(CASH, AR_PAYER, event.data.paidCents, `${remittance}: payer paid`),
        post(CONTRACTUAL_ALLOWANCES, AR_PAYER, contractualCents, `${remittance}: ${codes(adjustments.filter((a) => a.group !== 'PR'))}`),
        post(AR_PATIENT, AR_PAYER, patientResponsibilityCents, `${remittance}: patient responsibility ${codes(adjustments.filter((a) => a.group === 'PR'))}`),
      ];
    }
    case 'RemittanceReversed': {
      // Takes back exactly what that remittance moved (evolveClaim does the same from the same record).
      const record = claim.remittances.find((r) => r.remittanceId === event.data.remittanceId);
      if (record === undefined) return [];
      const memo = `reversal of remittance ${record.remittanceId}`;
      return [
        post(AR_PAYER, CASH, record.payerPaidCents, `${memo}: payer take-back`),
        post(AR_PAYER, CONTRACTUAL_ALLOWANCES, record.contractualAdjustmentCents, `${memo}: contractual`),
        post(AR_PAYER, AR_PATIENT, record.patientResponsibilityCents, `${memo}: patient responsibility`),
      ];
    }
    case 'WriteOffPosted': {
      const from = event.data.from === 'payer' ? AR_PAYER : AR_PATIENT;
      return [post(WRITE_OFF_ACCOUNTS[event.data.reason], from, event.data.amountCents, `write-off ${event.data.reason} from ${event.data.from}`)];
    }
    case 'ClaimVoided': {
      // A void takes the claim out of the books: every figure it carried goes back, account by account.
      // The decider voids only with no payment standing (PAYMENT_STANDS), so no cash is involved.
      assert.equal(claim.money.payerPaidCents, 0, 'a void with a payer payment standing');
      assert.equal(claim.money.patientPaidCents, 0, 'a void with a patient payment standing');
      const memo = `void: ${event.data.reason}`;
      return [
        post(GROSS_CHARGES, AR_PAYER, claim.money.chargesCents, `${memo}: charges`),
        post(AR_PAYER, CONTRACTUAL_ALLOWANCES, claim.money.contractualAdjustmentCents, `${memo}: contractual`),
        post(AR_PAYER, AR_PATIENT, claim.money.patientResponsibilityCents, `${memo}: patient responsibility`),
        ...before.writeOffs.map((w) =>
          post(w.from === 'payer' ? AR_PAYER : AR_PATIENT, WRITE_OFF_ACCOUNTS[w.reason], w.amountCents, `${memo}: write-off ${w.reason} from ${w.from}`),
        ),
      ];
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

const patientPostings = (event: PatientEvent, lookup: ClaimLookup): Posting[] => {
  const claimOf = (claimId: string): Claim | null => lookup(claimId)?.claim ?? null;
  switch (event.type) {
    case 'PatientPaymentReceived': {
      const memo = `payment ${event.data.paymentId} (${event.data.method})`;
      return [
        ...event.data.allocations.map((a): Posting => ({ debit: CASH, credit: AR_PATIENT, amountCents: a.amountCents, claim: claimOf(a.claimId), memo })),
        { debit: CASH, credit: PATIENT_CREDITS, amountCents: unallocatedCents(event.data), claim: null, memo: `${memo}: unallocated` },
      ];
    }
    case 'PatientRefundIssued': {
      const memo = `refund ${event.data.refundId}`;
      return event.data.claimId === undefined
        ? [{ debit: PATIENT_CREDITS, credit: CASH, amountCents: event.data.amountCents, claim: null, memo: `${memo} of unallocated credit` }]
        : [{ debit: AR_PATIENT, credit: CASH, amountCents: event.data.amountCents, claim: claimOf(event.data.claimId), memo: `${memo} of claim overpayment` }];
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** The claims a patient event touches: allocations, or the claim a refund comes from. */
export const claimIdsOfPatientEvent = (event: PatientEvent): string[] =>
  event.type === 'PatientPaymentReceived'
    ? [...new Set(event.data.allocations.map((a) => a.claimId))]
    : event.data.claimId === undefined
      ? []
      : [event.data.claimId];

/** The postings of an event in order, or null for an event the journal does not post (no claim or patient money). */
const postingsFor = (event: SourceEvent, lookup: ClaimLookup): { postings: Posting[]; patientId: string | null } | null => {
  if (event.type === 'ClaimSubmitted') {
    const data = (event as unknown as { data: Extract<ClaimEvent, { type: 'ClaimSubmitted' }>['data'] }).data;
    const claim = evolveClaim(null, asFold(event));
    return { postings: [{ debit: AR_PAYER, credit: GROSS_CHARGES, amountCents: data.totalChargeCents, claim, memo: `claim submitted to ${data.payerId}` }], patientId: null };
  }
  if (CLAIM_EVENT_TYPES.has(event.type)) {
    const claimEvent = asFold(event) as ClaimEvent;
    const before = lookup(claimEvent.data.claimId);
    // A claim event for a claim the books never saw submitted folds to nothing (evolveClaim ignores it too).
    return { postings: before === undefined ? [] : claimPostings(claimEvent, before), patientId: null };
  }
  if (PATIENT_EVENT_TYPES.has(event.type)) {
    const patientEvent = asFold(event) as PatientEvent;
    return { postings: patientPostings(patientEvent, lookup), patientId: patientEvent.data.patientId };
  }
  return null;
};

/**
 * What one event posts, given the books' claims as they stood before it: null for an event that
 * moves no money (rejections, denials, resubmissions, encounter events) or posts only zeros.
 */
export const journalEntryFor = (event: SourceEvent, lookup: ClaimLookup): JournalEntry | null => {
  const found = postingsFor(event, lookup);
  if (found === null) return null;
  const postings: JournalPosting[] = [];
  for (const posting of found.postings) {
    if (posting.amountCents === 0) continue;
    const negative = posting.amountCents < 0;
    postings.push({
      debitAccount: negative ? posting.credit : posting.debit,
      creditAccount: negative ? posting.debit : posting.credit,
      amountCents: Math.abs(posting.amountCents),
      claimId: posting.claim?.claimId ?? null,
      payerId: posting.claim?.payerId ?? null,
      patientId: posting.claim?.patientId ?? found.patientId,
      memo: posting.memo,
    });
  }
  if (postings.length === 0) return null;
  return { position: event.position, eventId: event.id, eventType: event.type, recordedAt: toUtc(event.recordedAt), businessAt: businessAtOf(event), postings };
};

/** The two lines of posting `postingNumber` (1-based) of an entry: the debit, then the credit. */
export const linesOfPosting = (entry: Omit<JournalEntry, 'postings'>, posting: JournalPosting, postingNumber: number): [JournalLine, JournalLine] => {
  const line = (lineNumber: number, account: AccountCode, debitCents: Cents, creditCents: Cents): JournalLine => ({
    position: entry.position,
    eventId: entry.eventId,
    eventType: entry.eventType,
    lineNumber,
    account,
    debitCents,
    creditCents,
    claimId: posting.claimId,
    payerId: posting.payerId,
    patientId: posting.patientId,
    recordedAt: entry.recordedAt,
    businessAt: entry.businessAt,
    memo: posting.memo,
  });
  return [line(2 * postingNumber - 1, posting.debitAccount, posting.amountCents, 0), line(2 * postingNumber, posting.creditAccount, 0, posting.amountCents)];
};

/** An entry's journal lines, in line order. */
export const linesOfEntry = (entry: JournalEntry | null): JournalLine[] =>
  entry === null ? [] : entry.postings.flatMap((posting, i) => linesOfPosting(entry, posting, i + 1));

/**
 * The journal lines of one event, given the books' claims as they stood before it. Events that
 * move no money (rejections, denials, resubmissions, encounter events) give no lines.
 */
export const journalLinesFor = (event: SourceEvent, lookup: ClaimLookup): JournalLine[] => linesOfEntry(journalEntryFor(event, lookup));

/** Adds a write-off to the standing totals (a new array: LedgerClaim is data, never mutated). */
const withWriteOff = (writeOffs: readonly WriteOffTotal[], from: WriteOffFrom, reason: WriteOffReason, amountCents: Cents): WriteOffTotal[] => {
  const found = writeOffs.some((w) => w.from === from && w.reason === reason);
  return found
    ? writeOffs.map((w) => (w.from === from && w.reason === reason ? { ...w, amountCents: w.amountCents + amountCents } : w))
    : [...writeOffs, { from, reason, amountCents }];
};

/** The books' claim after an event that touched it (the same evolveClaim the write side decides with). */
export const evolveLedgerClaim = (before: LedgerClaim | undefined, event: SourceEvent): LedgerClaim | undefined => {
  const fold = asFold(event);
  const claim = evolveClaim(before?.claim ?? null, fold);
  if (claim === null) return before;
  let writeOffs = before?.writeOffs ?? [];
  if (fold.type === 'WriteOffPosted') writeOffs = withWriteOff(writeOffs, fold.data.from, fold.data.reason, fold.data.amountCents);
  if (fold.type === 'ClaimVoided') writeOffs = [];
  const owes = balancesOf(claim.money).patientBalanceCents > 0;
  const patientOwesSince = !owes ? null : (before?.patientOwesSince ?? businessAtOf(event));
  return { claim, writeOffs, patientOwesSince, lastPosition: event.position.toString(10) };
};

/** The claims an event touches, by id. */
export const claimIdsOf = (event: SourceEvent): string[] => {
  if (CLAIM_EVENT_TYPES.has(event.type)) return [(event.data as { claimId: string }).claimId];
  if (PATIENT_EVENT_TYPES.has(event.type)) return claimIdsOfPatientEvent(asFold(event) as PatientEvent);
  return [];
};

/** Where the books keep their claims while posting: memory, a table, a cache in front of a file. */
export interface ClaimBook {
  get(claimId: string): LedgerClaim | undefined;
  set(claimId: string, claim: LedgerClaim): void;
}

/** Posts one event: its journal entry from the claims before it, then the claims it touched move on. */
export const postEntry = (event: SourceEvent, book: ClaimBook): JournalEntry | null => {
  if (!JOURNAL_EVENT_TYPES.has(event.type)) return null;
  const entry = journalEntryFor(event, (claimId) => book.get(claimId));
  for (const claimId of claimIdsOf(event)) {
    const after = evolveLedgerClaim(book.get(claimId), event);
    if (after !== undefined) book.set(claimId, after);
  }
  return entry;
};

/** Posts one event: its journal lines from the claims before it, then the claims it touched move on. */
export const postEvent = (event: SourceEvent, book: ClaimBook): JournalLine[] => linesOfEntry(postEntry(event, book));
