/**
 * Test support, imported only by specs: realistic encounter, claim and patient events with
 * overridable fields. One office visit for a patient with type 2 diabetes, hypertension and
 * asthma: an established-patient visit (99213-25), an ECG (93000) and an annual wellness visit
 * (G0439), $400.00 in all.
 */
import { given, type Given } from '../common/decider-spec';
import { sumCents } from '../common/money';
import type { EncounterCoded, ServiceLine } from '../encounters/encounter';
import type { PatientPaymentReceived, PatientRefundIssued } from '../patients/patient';
import {
  evolveClaim,
  initialClaimState,
  totalChargeCents,
  type Adjustment,
  type Claim,
  type ClaimCorrected,
  type ClaimFoldEvent,
  type ClaimRejected,
  type ClaimResubmitted,
  type ClaimState,
  type ClaimStatus,
  type ClaimSubmitted,
  type ClaimVoided,
  type DenialReceived,
  type RemittanceLine,
  type RemittancePosted,
  type RemittanceReversed,
  type WriteOffPosted,
} from './claim';

export const NPI = '1234567893';
export const PATIENT_ID = 'pat-1001';
export const OTHER_PATIENT_ID = 'pat-1002';
export const ENCOUNTER_ID = 'enc-2001';
export const CLAIM_ID = 'clm-3001';
export const OTHER_CLAIM_ID = 'clm-3002';
export const PAYER_ID = 'payer-60054';
export const MEMBER_ID = 'W123456789';
export const DATE_OF_SERVICE = '2025-03-14';

/** Type 2 diabetes without complications, essential hypertension, unspecified asthma uncomplicated. */
export const DIAGNOSES = ['E11.9', 'I10', 'J45.909'];

export const officeVisit = (overrides: Partial<ServiceLine> = {}): ServiceLine => ({
  lineNumber: 1,
  procedureCode: '99213',
  modifiers: ['25'],
  units: 1,
  chargeCents: 15_000,
  diagnosisPointers: [1, 2],
  ...overrides,
});

export const ecg = (overrides: Partial<ServiceLine> = {}): ServiceLine => ({
  lineNumber: 2,
  procedureCode: '93000',
  modifiers: [],
  units: 1,
  chargeCents: 7_500,
  diagnosisPointers: [2],
  ...overrides,
});

export const wellnessVisit = (overrides: Partial<ServiceLine> = {}): ServiceLine => ({
  lineNumber: 3,
  procedureCode: 'G0439',
  modifiers: [],
  units: 1,
  chargeCents: 17_500,
  diagnosisPointers: [1],
  ...overrides,
});

export const LINES: readonly ServiceLine[] = [officeVisit(), ecg(), wellnessVisit()];
export const TOTAL_CHARGE_CENTS = 40_000;

export const encounterCoded = (overrides: Partial<EncounterCoded['data']> = {}): EncounterCoded => ({
  type: 'EncounterCoded',
  data: {
    encounterId: ENCOUNTER_ID,
    patientId: PATIENT_ID,
    providerNpi: NPI,
    dateOfService: DATE_OF_SERVICE,
    diagnoses: [...DIAGNOSES],
    lines: LINES.map((line) => ({ ...line })),
    ...overrides,
  },
});

/** A claim submitted for the encounter; totalChargeCents follows the lines unless given. */
export const submitted = (overrides: Partial<ClaimSubmitted['data']> = {}): ClaimSubmitted => {
  const lines = overrides.lines ?? LINES.map((line) => ({ ...line }));
  return {
    type: 'ClaimSubmitted',
    data: {
      claimId: CLAIM_ID,
      encounterId: ENCOUNTER_ID,
      patientId: PATIENT_ID,
      payerId: PAYER_ID,
      memberId: MEMBER_ID,
      providerNpi: NPI,
      dateOfService: DATE_OF_SERVICE,
      diagnoses: [...DIAGNOSES],
      lines,
      totalChargeCents: totalChargeCents(lines),
      frequencyCode: '1',
      submittedAt: '2025-03-15T09:00:00Z',
      ...overrides,
    },
  };
};

export const rejected = (overrides: Partial<ClaimRejected['data']> = {}): ClaimRejected => ({
  type: 'ClaimRejected',
  data: {
    claimId: CLAIM_ID,
    reasons: [{ code: 'A7:562', message: 'subscriber identifier invalid' }],
    rejectedAt: '2025-03-16T08:00:00Z',
    ...overrides,
  },
});

/** CO-16: claim lacks information needed for adjudication. */
export const co = (reason: string, amountCents: number): Adjustment => ({ group: 'CO', reason, amountCents });
/** PR-1 deductible, PR-2 coinsurance, PR-3 copay. */
export const pr = (reason: '1' | '2' | '3', amountCents: number): Adjustment => ({ group: 'PR', reason, amountCents });

/** A whole-claim denial (no lineNumbers): CO-16 with remark MA130 (incomplete claim). */
export const denied = (overrides: Partial<DenialReceived['data']> = {}): DenialReceived => ({
  type: 'DenialReceived',
  data: {
    claimId: CLAIM_ID,
    remittanceId: 'era-denial-1',
    adjustments: [co('16', TOTAL_CHARGE_CENTS)],
    remarks: ['MA130'],
    receivedAt: '2025-04-02T00:00:00Z',
    ...overrides,
  },
});

/** A denial of the named lines only: CO-16 with remark N130 (consult plan benefit documents). */
export const linesDenied = (lineNumbers: number[], overrides: Partial<DenialReceived['data']> = {}): DenialReceived =>
  denied({ remittanceId: `era-denial-lines-${lineNumbers.join('-')}`, lineNumbers, adjustments: [co('16', 7_500)], remarks: ['N130'], ...overrides });

export const corrected = (overrides: Partial<ClaimCorrected['data']> = {}): ClaimCorrected => ({
  type: 'ClaimCorrected',
  data: { claimId: CLAIM_ID, reason: 'added missing referring provider', correctedAt: '2025-04-03T10:00:00Z', ...overrides },
});

export const resubmitted = (overrides: Partial<ClaimResubmitted['data']> = {}): ClaimResubmitted => ({
  type: 'ClaimResubmitted',
  data: { claimId: CLAIM_ID, frequencyCode: '7', resubmittedAt: '2025-04-03T11:00:00Z', ...overrides },
});

export const remittanceLine = (lineNumber: number, paidCents: number, ...adjustments: Adjustment[]): RemittanceLine => ({
  lineNumber,
  paidCents,
  adjustments,
});

/**
 * The standard adjudication of the three lines: CO-45 contractual on each, copay PR-3 $30 on the
 * visit, coinsurance PR-2 $10 on the ECG, no cost share on the wellness visit.
 * Payer pays $240, contractual $120, patient owes $40: payer balance 0, patient balance $40.
 */
export const STANDARD_REMITTANCE_LINES: readonly RemittanceLine[] = [
  remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000)),
  remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000)),
  remittanceLine(3, 12_000, co('45', 5_500)),
];

/** A remittance; paidCents follows the lines and claim-level adjustments unless given. */
export const remitted = (overrides: Partial<RemittancePosted['data']> = {}): RemittancePosted => {
  const lines = overrides.lines ?? STANDARD_REMITTANCE_LINES.map((line) => ({ ...line, adjustments: [...line.adjustments] }));
  const paidCents =
    sumCents(lines.map((line) => line.paidCents)) - sumCents((overrides.adjustments ?? []).map((a) => a.amountCents));
  return {
    type: 'RemittancePosted',
    data: { claimId: CLAIM_ID, remittanceId: 'era-1', paidCents, lines, receivedAt: '2025-04-10T00:00:00Z', ...overrides },
  };
};

export const reversed = (overrides: Partial<RemittanceReversed['data']> = {}): RemittanceReversed => ({
  type: 'RemittanceReversed',
  data: { claimId: CLAIM_ID, remittanceId: 'era-1', reversedAt: '2025-05-01T00:00:00Z', ...overrides },
});

export const writtenOff = (overrides: Partial<WriteOffPosted['data']> = {}): WriteOffPosted => ({
  type: 'WriteOffPosted',
  data: { claimId: CLAIM_ID, amountCents: 1_000, from: 'patient', reason: 'small_balance', postedAt: '2025-06-01T00:00:00Z', ...overrides },
});

export const voided = (overrides: Partial<ClaimVoided['data']> = {}): ClaimVoided => ({
  type: 'ClaimVoided',
  data: { claimId: CLAIM_ID, reason: 'billed to the wrong payer', voidedAt: '2025-03-20T00:00:00Z', ...overrides },
});

export const patientPaid = (overrides: Partial<PatientPaymentReceived['data']> = {}): PatientPaymentReceived => ({
  type: 'PatientPaymentReceived',
  data: {
    patientId: PATIENT_ID,
    paymentId: 'pay-1',
    amountCents: 4_000,
    method: 'card',
    receivedAt: '2025-04-20T15:00:00Z',
    allocations: [{ claimId: CLAIM_ID, amountCents: 4_000 }],
    ...overrides,
  },
});

export const refunded = (overrides: Partial<PatientRefundIssued['data']> = {}): PatientRefundIssued => ({
  type: 'PatientRefundIssued',
  data: { patientId: PATIENT_ID, refundId: 'ref-1', amountCents: 1_000, claimId: CLAIM_ID, issuedAt: '2025-05-10T00:00:00Z', ...overrides },
});

/** A refund of unallocated patient credit (no claim named). */
export const refundedFromCredit = (overrides: Partial<Omit<PatientRefundIssued['data'], 'claimId'>> = {}): PatientRefundIssued => ({
  type: 'PatientRefundIssued',
  data: { patientId: PATIENT_ID, refundId: 'ref-1', amountCents: 1_000, issuedAt: '2025-05-10T00:00:00Z', ...overrides },
});

/** One way to bring the claim to each status (claim.spec checks that each does). */
export const CLAIM_IN: Readonly<Record<ClaimStatus, readonly ClaimFoldEvent[]>> = {
  submitted: [submitted()],
  rejected: [submitted(), rejected()],
  denied: [submitted(), denied()],
  corrected: [submitted(), denied(), corrected()],
  partially_paid: [submitted(), remitted({ lines: [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000))] })],
  paid: [submitted(), remitted()],
  closed: [submitted(), remitted(), patientPaid()],
  voided: [submitted(), voided()],
};

export const ALL_STATUSES = Object.keys(CLAIM_IN) as ClaimStatus[];

/** The statuses not in `allowed`, less voided (which has its own rule, CLAIM_VOIDED). */
export const statusesOtherThan = (...allowed: ClaimStatus[]): ClaimStatus[] =>
  ALL_STATUSES.filter((status) => status !== 'voided' && !allowed.includes(status));

/** given/when/then on the claim stream (patient events allocated to the claim fold in too). */
export const givenClaim = (events: readonly ClaimFoldEvent[]): Given<ClaimState> => given(evolveClaim, initialClaimState, events);

export const foldClaim = (events: readonly ClaimFoldEvent[]): ClaimState => events.reduce(evolveClaim, initialClaimState);

/** The claim the events fold to; throws when they fold to none (a fixture mistake). */
export const claimAfter = (...events: ClaimFoldEvent[]): Claim => {
  const claim = foldClaim(events);
  if (claim === null) throw new Error('these events fold to no claim: start with ClaimSubmitted');
  return claim;
};
