import type { AdjustmentGroup } from '../codes';
import type { Event } from '../common/event';
import { type Cents, sumCents } from '../common/money';
import type { ExpectedPayment } from '../contracts/pricing';
import type { ServiceLine } from '../encounters/encounter';
import type { PatientPaymentReceived, PatientRefundIssued } from '../patients/patient';
import type { ScrubFinding } from '../scrubbing/edits';

/** A CAS adjustment: group (CO contractual, PR patient responsibility, OA other, PI payer initiated, CR correction), CARC reason and amount. */
export interface Adjustment {
  group: AdjustmentGroup;
  reason: string;
  amountCents: Cents;
}

/** A front-end rejection reason (the claim was never adjudicated). */
export interface RejectionReason {
  code: string;
  message: string;
}

export interface RemittanceLine {
  lineNumber: number;
  paidCents: Cents;
  adjustments: Adjustment[];
}

export type WriteOffReason = 'bad_debt' | 'small_balance' | 'charity' | 'timely_filing' | 'administrative';
export const WRITE_OFF_REASONS: readonly WriteOffReason[] = ['bad_debt', 'small_balance', 'charity', 'timely_filing', 'administrative'];

/** Which receivable a write-off comes out of. */
export type WriteOffFrom = 'payer' | 'patient';

/** The claim went to the payer (frequency 1: original). */
export type ClaimSubmitted = Event<
  'ClaimSubmitted',
  {
    claimId: string;
    encounterId: string;
    patientId: string;
    payerId: string;
    memberId: string;
    providerNpi: string;
    dateOfService: string;
    diagnoses: string[];
    lines: ServiceLine[];
    totalChargeCents: Cents;
    frequencyCode: '1';
    submittedAt: string;
    /** What the payer's contract says it should allow, fixed when the claim went out (absent: no fee schedule in force). */
    expectedPayment?: ExpectedPayment;
    /** Warning edits the claim went out with (absent: none). */
    scrubWarnings?: ScrubFinding[];
  }
>;

/** A front-end rejection: the payer or clearinghouse refused the claim before adjudicating it. */
export type ClaimRejected = Event<'ClaimRejected', { claimId: string; reasons: RejectionReason[]; rejectedAt: string }>;

/** The payer adjudicated and paid nothing for the named lines (all lines when lineNumbers is absent). Moves no money. */
export type DenialReceived = Event<
  'DenialReceived',
  {
    claimId: string;
    remittanceId: string;
    payerClaimControlNumber?: string;
    lineNumbers?: number[];
    adjustments: Adjustment[];
    remarks: string[];
    receivedAt: string;
  }
>;

/** The biller fixed a rejected or denied claim: diagnoses and/or lines replaced. */
export type ClaimCorrected = Event<
  'ClaimCorrected',
  { claimId: string; diagnoses?: string[]; lines?: ServiceLine[]; reason: string; correctedAt: string }
>;

/** The corrected claim went out again as a replacement (frequency 7). */
export type ClaimResubmitted = Event<
  'ClaimResubmitted',
  {
    claimId: string;
    frequencyCode: '7';
    resubmittedAt: string;
    /** The replacement priced afresh (its lines may have been corrected); absent: no fee schedule in force. */
    expectedPayment?: ExpectedPayment;
    /** Warning edits the replacement went out with (absent: none). */
    scrubWarnings?: ScrubFinding[];
  }
>;

/** The payer's remittance for this claim (an 835 CLP loop): payment plus adjustments, balancing per line. */
export type RemittancePosted = Event<
  'RemittancePosted',
  {
    claimId: string;
    remittanceId: string;
    payerClaimControlNumber?: string;
    paidCents: Cents;
    lines: RemittanceLine[];
    adjustments?: Adjustment[];
    remarks?: string[];
    receivedAt: string;
  }
>;

/** A payer take-back of an earlier remittance (835 CLP02=22). */
export type RemittanceReversed = Event<'RemittanceReversed', { claimId: string; remittanceId: string; reversedAt: string }>;

/** A balance the practice gives up on collecting. */
export type WriteOffPosted = Event<
  'WriteOffPosted',
  { claimId: string; amountCents: Cents; from: WriteOffFrom; reason: WriteOffReason; postedAt: string }
>;

/** The claim is cancelled (frequency 8); its charges leave A/R. */
export type ClaimVoided = Event<'ClaimVoided', { claimId: string; reason: string; voidedAt: string }>;

export type ClaimEvent =
  | ClaimSubmitted
  | ClaimRejected
  | DenialReceived
  | ClaimCorrected
  | ClaimResubmitted
  | RemittancePosted
  | RemittanceReversed
  | WriteOffPosted
  | ClaimVoided;

/** Patient-stream events fold into a claim too, for the part allocated to (or refunded from) it. */
export type ClaimFoldEvent = ClaimEvent | PatientPaymentReceived | PatientRefundIssued;

export const CLAIM_EVENT_TYPES: ReadonlySet<string> = new Set<ClaimEvent['type']>([
  'ClaimSubmitted',
  'ClaimRejected',
  'DenialReceived',
  'ClaimCorrected',
  'ClaimResubmitted',
  'RemittancePosted',
  'RemittanceReversed',
  'WriteOffPosted',
  'ClaimVoided',
]);

/** Where each event that folds into a claim carries its business instant (when it happened, not when it was recorded). */
export const BUSINESS_TIME_FIELD: Readonly<Record<ClaimFoldEvent['type'], string>> = {
  ClaimSubmitted: 'submittedAt',
  ClaimRejected: 'rejectedAt',
  DenialReceived: 'receivedAt',
  ClaimCorrected: 'correctedAt',
  ClaimResubmitted: 'resubmittedAt',
  RemittancePosted: 'receivedAt',
  RemittanceReversed: 'reversedAt',
  WriteOffPosted: 'postedAt',
  ClaimVoided: 'voidedAt',
  PatientPaymentReceived: 'receivedAt',
  PatientRefundIssued: 'issuedAt',
};

export type ClaimStatus = 'submitted' | 'rejected' | 'denied' | 'partially_paid' | 'paid' | 'closed' | 'corrected' | 'voided';

/** Where one line stands with the payer in the current submission. */
export type LineAdjudication = 'pending' | 'paid' | 'denied';

export interface ClaimLine extends ServiceLine {
  adjudication: LineAdjudication;
}

/** What one remittance moved, kept so a reversal can take exactly that back. */
export interface RemittanceRecord {
  remittanceId: string;
  kind: 'payment' | 'denial';
  lineNumbers: number[];
  payerPaidCents: Cents;
  contractualAdjustmentCents: Cents;
  patientResponsibilityCents: Cents;
  reversed: boolean;
}

/** The money of one claim, in cents. Balances are derived from these (see balancesOf). */
export interface ClaimMoney {
  chargesCents: Cents;
  payerPaidCents: Cents;
  /** CO/OA/PI/CR adjustments: what the payer's contract or rules say is not owed by anyone. */
  contractualAdjustmentCents: Cents;
  /** PR adjustments: what the payer says the patient owes (deductible, coinsurance, copay). */
  patientResponsibilityCents: Cents;
  patientPaidCents: Cents;
  payerWriteOffCents: Cents;
  patientWriteOffCents: Cents;
}

export interface Claim {
  claimId: string;
  encounterId: string;
  patientId: string;
  payerId: string;
  memberId: string;
  providerNpi: string;
  dateOfService: string;
  diagnoses: string[];
  lines: ClaimLine[];
  status: ClaimStatus;
  frequencyCode: '1' | '7' | '8';
  submissionCount: number;
  firstSubmittedAt: string;
  remittances: RemittanceRecord[];
  money: ClaimMoney;
  /** The status a closed claim returns to if money moves again and its balance is no longer 0. */
  statusBeforeClose: ClaimStatus | null;
  /** The latest submission's expected payment (docs/contracts-and-scrubbing.md); absent when it was not priced. */
  expectedPayment?: ExpectedPayment;
  /** The warning edits the latest submission went out with; absent when none. */
  scrubWarnings?: ScrubFinding[];
}

export type ClaimState = Claim | null;

export const initialClaimState: ClaimState = null;

export const claimStreamId = (claimId: string): string => `claim-${claimId}`;

export interface ClaimBalances {
  chargesCents: Cents;
  payerPaidCents: Cents;
  contractualAdjustmentCents: Cents;
  patientResponsibilityCents: Cents;
  patientPaidCents: Cents;
  writeOffCents: Cents;
  payerBalanceCents: Cents;
  patientBalanceCents: Cents;
  balanceCents: Cents;
}

export const balancesOf = (money: ClaimMoney): ClaimBalances => {
  const payerBalanceCents =
    money.chargesCents -
    money.payerPaidCents -
    money.contractualAdjustmentCents -
    money.patientResponsibilityCents -
    money.payerWriteOffCents;
  const patientBalanceCents = money.patientResponsibilityCents - money.patientPaidCents - money.patientWriteOffCents;
  return {
    chargesCents: money.chargesCents,
    payerPaidCents: money.payerPaidCents,
    contractualAdjustmentCents: money.contractualAdjustmentCents,
    patientResponsibilityCents: money.patientResponsibilityCents,
    patientPaidCents: money.patientPaidCents,
    writeOffCents: money.payerWriteOffCents + money.patientWriteOffCents,
    payerBalanceCents,
    patientBalanceCents,
    balanceCents: payerBalanceCents + patientBalanceCents,
  };
};

const ZERO_MONEY: ClaimMoney = {
  chargesCents: 0,
  payerPaidCents: 0,
  contractualAdjustmentCents: 0,
  patientResponsibilityCents: 0,
  patientPaidCents: 0,
  payerWriteOffCents: 0,
  patientWriteOffCents: 0,
};

export const totalChargeCents = (lines: readonly ServiceLine[]): Cents => sumCents(lines.map((line) => line.chargeCents));

/** Splits adjustments into contractual (everything but PR) and patient responsibility (PR). */
export const splitAdjustments = (adjustments: readonly Adjustment[]): { contractualCents: Cents; patientResponsibilityCents: Cents } => ({
  contractualCents: sumCents(adjustments.filter((a) => a.group !== 'PR').map((a) => a.amountCents)),
  patientResponsibilityCents: sumCents(adjustments.filter((a) => a.group === 'PR').map((a) => a.amountCents)),
});

export const remittanceAdjustments = (data: RemittancePosted['data']): Adjustment[] => [
  ...data.lines.flatMap((line) => line.adjustments),
  ...(data.adjustments ?? []),
];

/** Lines the payer has not paid in the current submission: what a denial or remittance may still touch. */
export const openLineNumbers = (claim: Claim): number[] =>
  claim.lines.filter((line) => line.adjudication !== 'paid').map((line) => line.lineNumber);

/** Status after money moved on an adjudicated claim: settled with the payer → paid, nothing owed at all → closed. */
const settledStatus = (claim: Claim): ClaimStatus => {
  const balances = balancesOf(claim.money);
  if (balances.balanceCents === 0) return 'closed';
  return balances.payerBalanceCents === 0 ? 'paid' : 'partially_paid';
};

const ADJUDICATED: readonly ClaimStatus[] = ['paid', 'partially_paid'];

/**
 * Status after an event moved money. Any event that brings the whole balance to 0 closes the
 * claim; money moving again on a closed claim reopens it to the status it had before closing.
 */
const afterMoneyMoved = (claim: Claim): Claim => {
  if (claim.status === 'voided') return claim;
  if (balancesOf(claim.money).balanceCents === 0) {
    return claim.status === 'closed' ? claim : { ...claim, status: 'closed', statusBeforeClose: claim.status };
  }
  const status = claim.status === 'closed' ? (claim.statusBeforeClose ?? 'submitted') : claim.status;
  return { ...claim, status: ADJUDICATED.includes(status) ? settledStatus(claim) : status, statusBeforeClose: null };
};

const withLines = (claim: Claim, lineNumbers: readonly number[], adjudication: LineAdjudication): ClaimLine[] =>
  claim.lines.map((line) => (lineNumbers.includes(line.lineNumber) ? { ...line, adjudication } : line));

const patientMoney = (claim: Claim, deltaCents: Cents): Claim =>
  afterMoneyMoved({ ...claim, money: { ...claim.money, patientPaidCents: claim.money.patientPaidCents + deltaCents } });

export const evolveClaim = (state: ClaimState, event: ClaimFoldEvent): ClaimState => {
  if (event.type === 'ClaimSubmitted') {
    const data = event.data;
    return {
      claimId: data.claimId,
      encounterId: data.encounterId,
      patientId: data.patientId,
      payerId: data.payerId,
      memberId: data.memberId,
      providerNpi: data.providerNpi,
      dateOfService: data.dateOfService,
      diagnoses: [...data.diagnoses],
      lines: data.lines.map((line) => ({ ...line, adjudication: 'pending' as const })),
      status: 'submitted',
      frequencyCode: data.frequencyCode,
      submissionCount: 1,
      firstSubmittedAt: data.submittedAt,
      remittances: [],
      money: { ...ZERO_MONEY, chargesCents: data.totalChargeCents },
      statusBeforeClose: null,
      ...(data.expectedPayment !== undefined && { expectedPayment: data.expectedPayment }),
      ...(data.scrubWarnings !== undefined && { scrubWarnings: data.scrubWarnings }),
    };
  }
  if (state === null) return state;
  const claim = state;
  switch (event.type) {
    case 'ClaimRejected':
      return { ...claim, status: 'rejected' };
    case 'DenialReceived': {
      const denied = event.data.lineNumbers ?? openLineNumbers(claim);
      const lines = withLines(claim, denied, 'denied');
      const allDenied = lines.every((line) => line.adjudication === 'denied');
      return {
        ...claim,
        lines,
        status: allDenied ? 'denied' : claim.status,
        remittances: [
          ...claim.remittances,
          {
            remittanceId: event.data.remittanceId,
            kind: 'denial',
            lineNumbers: denied,
            payerPaidCents: 0,
            contractualAdjustmentCents: 0,
            patientResponsibilityCents: 0,
            reversed: false,
          },
        ],
      };
    }
    case 'ClaimCorrected': {
      const lines = event.data.lines
        ? event.data.lines.map((line) => ({ ...line, adjudication: 'pending' as const }))
        : claim.lines;
      return afterMoneyMoved({
        ...claim,
        diagnoses: event.data.diagnoses ? [...event.data.diagnoses] : claim.diagnoses,
        lines,
        status: 'corrected',
        money: { ...claim.money, chargesCents: totalChargeCents(lines) },
      });
    }
    case 'ClaimResubmitted': {
      const resubmitted: Claim = {
        ...claim,
        status: 'submitted',
        frequencyCode: event.data.frequencyCode,
        submissionCount: claim.submissionCount + 1,
        lines: claim.lines.map((line) => ({ ...line, adjudication: 'pending' })),
      };
      // A replacement carries its own expectations; earlier warnings described the lines before the correction.
      if (event.data.expectedPayment !== undefined) resubmitted.expectedPayment = event.data.expectedPayment;
      if (event.data.scrubWarnings !== undefined) resubmitted.scrubWarnings = event.data.scrubWarnings;
      else delete resubmitted.scrubWarnings;
      return resubmitted;
    }
    case 'RemittancePosted': {
      const { contractualCents, patientResponsibilityCents } = splitAdjustments(remittanceAdjustments(event.data));
      const lineNumbers = event.data.lines.map((line) => line.lineNumber);
      const paid: Claim = {
        ...claim,
        lines: withLines(claim, lineNumbers, 'paid'),
        remittances: [
          ...claim.remittances,
          {
            remittanceId: event.data.remittanceId,
            kind: 'payment',
            lineNumbers,
            payerPaidCents: event.data.paidCents,
            contractualAdjustmentCents: contractualCents,
            patientResponsibilityCents,
            reversed: false,
          },
        ],
        money: {
          ...claim.money,
          payerPaidCents: claim.money.payerPaidCents + event.data.paidCents,
          contractualAdjustmentCents: claim.money.contractualAdjustmentCents + contractualCents,
          patientResponsibilityCents: claim.money.patientResponsibilityCents + patientResponsibilityCents,
        },
      };
      return afterMoneyMoved({ ...paid, status: 'partially_paid' });
    }
    case 'RemittanceReversed': {
      const record = claim.remittances.find((r) => r.remittanceId === event.data.remittanceId);
      if (!record || record.reversed) return claim;
      return {
        ...claim,
        status: 'submitted',
        statusBeforeClose: null,
        lines: withLines(claim, record.lineNumbers, 'pending'),
        remittances: claim.remittances.map((r) => (r === record ? { ...r, reversed: true } : r)),
        money: {
          ...claim.money,
          payerPaidCents: claim.money.payerPaidCents - record.payerPaidCents,
          contractualAdjustmentCents: claim.money.contractualAdjustmentCents - record.contractualAdjustmentCents,
          patientResponsibilityCents: claim.money.patientResponsibilityCents - record.patientResponsibilityCents,
        },
      };
    }
    case 'WriteOffPosted': {
      const key = event.data.from === 'payer' ? 'payerWriteOffCents' : 'patientWriteOffCents';
      return afterMoneyMoved({ ...claim, money: { ...claim.money, [key]: claim.money[key] + event.data.amountCents } });
    }
    case 'ClaimVoided':
      // Voiding takes the claim out of A/R: with no payment standing, every figure returns to zero.
      return { ...claim, status: 'voided', frequencyCode: '8', money: { ...ZERO_MONEY }, statusBeforeClose: null };
    case 'PatientPaymentReceived': {
      const allocated = sumCents(event.data.allocations.filter((a) => a.claimId === claim.claimId).map((a) => a.amountCents));
      return allocated === 0 ? claim : patientMoney(claim, allocated);
    }
    case 'PatientRefundIssued':
      return event.data.claimId === claim.claimId ? patientMoney(claim, -event.data.amountCents) : claim;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** Does this patient-stream event touch the claim? */
export const touchesClaim = (event: PatientPaymentReceived | PatientRefundIssued, claimId: string): boolean =>
  event.type === 'PatientPaymentReceived'
    ? event.data.allocations.some((a) => a.claimId === claimId)
    : event.data.claimId === claimId;
