/**
 * The electronic remittance advice (X12 835, 005010X221A1) as the ledger reads it, and the
 * events of the `remittance-{TRN02}` stream. Pure: plain data, no framework, no clock.
 *
 * One 835 transaction set (ST…SE) is one payment (BPR: a check or an EFT, traced by TRN02) that
 * covers many claims (one CLP loop each) and may carry provider-level adjustments (PLB) that
 * are not about any one claim: interest, recoupments, forwarding balances.
 */
import { createHash } from 'node:crypto';
import type { Adjustment } from '../claims/claim';
import type { Event } from '../common/event';
import type { Cents } from '../common/money';

/** Where a segment sits: its 1-based ordinal in the file (ISA = 1) and in its transaction set (ST = 1). */
export interface SegmentPosition {
  /** 1-based ordinal of the segment in the file, counting every segment from the first. */
  segment: number;
  /** 1-based ordinal within the transaction set (ST = 1), as a 999 acknowledgment counts; absent outside one. */
  transactionSegment?: number;
  tag: string;
}

/**
 * One thing wrong with a file, reported with where it is. `scope` says what it blocks:
 * `file` blocks every transaction, `transaction` one transaction set, `claim` one CLP loop.
 */
export interface ImportProblem {
  code: string;
  message: string;
  scope: 'file' | 'transaction' | 'claim';
  position: SegmentPosition;
  traceNumber?: string;
  claimId?: string;
}

/** A CAS segment's triplets, flattened: every group/reason/amount (quantity kept when given). */
export interface EraAdjustment extends Adjustment {
  quantity?: string;
}

/** One SVC loop (2110): a service line as the payer adjudicated it. */
export interface EraServiceLine {
  position: SegmentPosition;
  /** SVC01-1: HC (CPT/HCPCS), AD (ADA dental), NU (revenue code), … */
  qualifier: string;
  /** SVC01-2: the code the payer adjudicated. */
  procedureCode: string;
  modifiers: string[];
  /** SVC06-2: the code as submitted, when the payer changed it (unbundling, recoding). */
  submittedProcedureCode?: string;
  chargeCents: Cents;
  paidCents: Cents;
  /** SVC05 (paid units), else SVC07 (original units), as written. */
  units?: string;
  /** REF*6R: the line item control number we sent (our line number), when the payer returns it. */
  lineControlNumber?: string;
  adjustments: EraAdjustment[];
  /** LQ*HE: remittance advice remark codes for this line. */
  remarks: string[];
  /** DTM*472 (or 150) service date, YYYY-MM-DD. */
  serviceDate?: string;
}

/** CLP02: how the payer processed the claim. */
export type ClaimStatusCode = string;

/** One CLP loop (2100): the payer's adjudication of one claim. */
export interface EraClaim {
  position: SegmentPosition;
  /** CLP01: the patient control number — our claim id, the CLM01 we sent. */
  claimId: string;
  statusCode: ClaimStatusCode;
  /** CLP03, CLP04, CLP05. */
  chargeCents: Cents;
  paidCents: Cents;
  patientResponsibilityCents?: Cents;
  /** CLP07: the payer's own number for the claim; a replacement or void must quote it (REF*F8). */
  payerClaimControlNumber?: string;
  /** CAS at claim level (before the first SVC). */
  adjustments: EraAdjustment[];
  /** MOA and MIA remark codes. */
  remarks: string[];
  /** NM1*QC/IL member id, when given (NM109). */
  memberId?: string;
  /** DTM*232 claim statement period start, YYYY-MM-DD. */
  statementDate?: string;
  lines: EraServiceLine[];
}

/** One PLB adjustment (a reason/amount pair of a PLB segment). A positive amount reduces the payment. */
export interface EraProviderAdjustment {
  position: SegmentPosition;
  /** PLB01: the provider the adjustment is about (NPI or tax id). */
  providerId: string;
  /** PLB02: end of the provider's fiscal period, YYYY-MM-DD. */
  fiscalPeriodDate?: string;
  /** PLB03-1 (…PLB13-1): WO overpayment recovery, L6 interest, FB forwarding balance, CV capital pass-through, … */
  reasonCode: string;
  /** PLB03-2: the payer's reference for it (often the claim or invoice it came from). */
  reference?: string;
  amountCents: Cents;
}

/** One 835 transaction set: one payment and the claims it covers. */
export interface RemittanceAdvice {
  position: SegmentPosition;
  /** TRN02: the check or EFT trace number; it roots every remittance id of this payment. */
  traceNumber: string;
  /** TRN03: the payer's identifier (1 + tax id, usually). */
  payerIdentifier?: string;
  /** N1*PR name. */
  payerName?: string;
  /** N1*PE NM104 id (NPI or tax id). */
  payeeIdentifier?: string;
  /** BPR01: I (remittance with payment), H (notification only), C (payment, remittance elsewhere), … */
  transactionHandlingCode: string;
  /** BPR02: the total actually paid. */
  paidCents: Cents;
  /** BPR03: C credit, D debit. */
  creditDebit: string;
  /** BPR04: ACH, CHK, FWT, BOP, NON. */
  paymentMethod?: string;
  /** BPR16 (effective date), else DTM*405 (production date), YYYY-MM-DD. */
  paymentDate?: string;
  claims: EraClaim[];
  providerAdjustments: EraProviderAdjustment[];
  /** GS08: the implementation guide version (005010X221A1). */
  version?: string;
}

// ---------------------------------------------------------------------------------------------
// Identifiers

/** The stream that holds what an 835 payment says beyond its claims: the payment and its PLB adjustments. */
export const remittanceStreamId = (traceNumber: string): string => `remittance-${traceNumber}`;

/** Remittance ids are kept within the API's id length; longer natural keys are hashed. */
export const REMITTANCE_ID_LENGTH_MAX = 64;

const digest = (parts: readonly string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/**
 * The remittance id of one CLP loop, derived from TRN02 + CLP01 + CLP07 + CLP02 so a re-import
 * finds the same id. CLP01 is implicit in the claim stream, so the readable form leaves it out;
 * it is in the hashed form, used when the readable one would be too long.
 */
export const remittanceIdFor = (traceNumber: string, claim: Pick<EraClaim, 'claimId' | 'payerClaimControlNumber' | 'statusCode'>): string => {
  const readable = `835:${traceNumber}:${claim.payerClaimControlNumber ?? ''}:${claim.statusCode}`;
  if (readable.length <= REMITTANCE_ID_LENGTH_MAX) return readable;
  return `835:${digest([traceNumber, claim.claimId, claim.payerClaimControlNumber ?? '', claim.statusCode]).slice(0, 40)}`;
};

/** The id of the denial a partly denied CLP loop also records for its zero-paid lines. */
export const lineDenialIdFor = (remittanceId: string): string =>
  remittanceId.length + ':denied'.length <= REMITTANCE_ID_LENGTH_MAX ? `${remittanceId}:denied` : `835:${digest([remittanceId, 'denied']).slice(0, 40)}`;

// ---------------------------------------------------------------------------------------------
// Claim status codes (CLP02)

/** Processed as primary, secondary, tertiary: money moves (or a denial is recorded). */
export const PROCESSED_STATUS_CODES: ReadonlySet<string> = new Set(['1', '2', '3']);
/** Processed and forwarded to another payer (crossover): money moves, and the forwarding is recorded. */
export const FORWARDED_STATUS_CODES: ReadonlySet<string> = new Set(['19', '20', '21']);
export const DENIED_STATUS_CODE = '4';
export const REVERSAL_STATUS_CODE = '22';
/** Not our claim, forwarded to another payer: no money, only the status is recorded. */
export const NOT_OUR_CLAIM_STATUS_CODE = '23';
/** Predetermination pricing only: no money, only the status is recorded. */
export const PREDETERMINATION_STATUS_CODE = '25';

export const CLAIM_STATUS_MEANINGS: Readonly<Record<string, string>> = {
  '1': 'processed as primary',
  '2': 'processed as secondary',
  '3': 'processed as tertiary',
  '4': 'denied',
  '19': 'processed as primary, forwarded to additional payer(s)',
  '20': 'processed as secondary, forwarded to additional payer(s)',
  '21': 'processed as tertiary, forwarded to additional payer(s)',
  '22': 'reversal of previous payment',
  '23': 'not our claim, forwarded to additional payer(s)',
  '25': 'predetermination pricing only, no payment',
};

// ---------------------------------------------------------------------------------------------
// Events of the remittance-{TRN02} stream

/** The payment an 835 announces (BPR + TRN) and the claims it covers, as the file states them. */
export type RemittanceAdviceReceived = Event<
  'RemittanceAdviceReceived',
  {
    traceNumber: string;
    payerIdentifier?: string;
    payerName?: string;
    payeeIdentifier?: string;
    transactionHandlingCode: string;
    paidCents: Cents;
    creditDebit: string;
    paymentMethod?: string;
    paymentDate?: string;
    /** Σ PLB amounts: BPR02 = Σ CLP04 − this. */
    providerAdjustmentCents: Cents;
    claims: Array<{ claimId: string; statusCode: string; payerClaimControlNumber?: string; chargeCents: Cents; paidCents: Cents; remittanceId: string }>;
    /** sha256 of the transaction's content: the same TRN02 with other content is refused. */
    contentDigest: string;
    receivedAt: string;
  }
>;

/** A PLB adjustment: money between payer and provider that belongs to no claim (positive reduces the payment). */
export type ProviderAdjustmentPosted = Event<
  'ProviderAdjustmentPosted',
  {
    traceNumber: string;
    providerId: string;
    fiscalPeriodDate?: string;
    reasonCode: string;
    reference?: string;
    amountCents: Cents;
    postedAt: string;
  }
>;

/**
 * A claim status the claim stream has no event for (CLP02 19–21 forwarded, 23 not our claim,
 * 25 predetermination): recorded as the payer stated it. For 19–21 the money is posted on the
 * claim as for 1–3; for 23 and 25 nothing moves.
 */
export type PayerClaimStatusReported = Event<
  'PayerClaimStatusReported',
  {
    traceNumber: string;
    claimId: string;
    remittanceId: string;
    statusCode: string;
    meaning: string;
    payerClaimControlNumber?: string;
    chargeCents: Cents;
    paidCents: Cents;
    reportedAt: string;
  }
>;

export type RemittanceEvent = RemittanceAdviceReceived | ProviderAdjustmentPosted | PayerClaimStatusReported;

export const REMITTANCE_EVENT_TYPES: ReadonlySet<string> = new Set<RemittanceEvent['type']>([
  'RemittanceAdviceReceived',
  'ProviderAdjustmentPosted',
  'PayerClaimStatusReported',
]);

/** X12 dates are CCYYMMDD; the ledger's are YYYY-MM-DD. Returns undefined for anything else. */
export const x12Date = (value: string | undefined): string | undefined => {
  if (value === undefined || !/^\d{8}$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const parsed = new Date(`${iso}T00:00:00.000Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? undefined : iso;
};

/** A business timestamp from an X12 date: the start of that day, UTC. */
export const instantOf = (date: string): string => `${date}T00:00:00.000Z`;
