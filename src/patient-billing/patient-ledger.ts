/**
 * The patient ledger: every charge, insurance payment and adjustment, patient responsibility,
 * payment, refund, write-off and void on the patient's claims and account, in global order, each
 * with the balances after it — what a biller reads out on the phone. Pure: fed the patient stream
 * and the streams of the patient's claims, merged in global order.
 *
 * Each entry carries two signed amounts: `insuranceCents` (what the insurer still owes moves) and
 * `patientCents` (what the patient owes moves). Patient responsibility moves money from the first
 * to the second. The running `patientBalanceCents` after an event's last entry is the patient
 * balance (Σ claim patient balances − unallocated credit) as `evolveClaim` and `evolvePatient`
 * fold it: the ledger asserts so after every event.
 */
import assert from 'node:assert';
import {
  balancesOf,
  BUSINESS_TIME_FIELD as CLAIM_BUSINESS_TIME_FIELD,
  CLAIM_EVENT_TYPES,
  evolveClaim,
  remittanceAdjustments,
  type Adjustment,
  type Claim,
  type ClaimEvent,
  type RemittancePosted,
} from '../claims/claim';
import type { Cents } from '../common/money';
import { evolvePatient, initialPatientState, type Patient, type PatientStreamEvent } from '../patients/patient';
import { patientShareLabel } from './issue-statement/issue-statement';
import { formatCents, procedureText } from './money-text';
import { PATIENT_BILLING_EVENT_TYPES, type PatientBillingEvent } from './patient-billing-events';

/** An event as the ledger needs it (a RecordedEvent has all of this). */
export interface LedgerSourceEvent {
  position: bigint;
  streamId: string;
  type: string;
  data: unknown;
  metadata: { recordedAt: string };
}

export type LedgerEntryKind =
  | 'charge'
  | 'charge_correction'
  | 'insurance_payment'
  | 'insurance_adjustment'
  | 'patient_responsibility'
  | 'write_off'
  | 'void'
  | 'payment'
  | 'refund'
  | 'note';

export interface LedgerEntry {
  /** Global position of the event (a decimal string); one event may give several entries. */
  position: string;
  recordedAt: string;
  /** The event's business timestamp (when it happened, as the payer or biller dated it). */
  date: string;
  eventType: string;
  claimId: string | null;
  dateOfService: string | null;
  kind: LedgerEntryKind;
  /** Adjustment group and reason (`CO-45`, `PR-2`), payment method, write-off reason; null otherwise. */
  code: string | null;
  description: string;
  insuranceCents: Cents;
  patientCents: Cents;
  /** After this entry: what the insurers still owe, what the patient owes, and their sum. */
  insuranceBalanceCents: Cents;
  patientBalanceCents: Cents;
  balanceCents: Cents;
}

export interface PatientLedger {
  patientId: string;
  entries: LedgerEntry[];
  insuranceBalanceCents: Cents;
  patientBalanceCents: Cents;
  unallocatedCreditCents: Cents;
}

const BUSINESS_TIME_FIELD: Readonly<Record<string, string>> = {
  ...CLAIM_BUSINESS_TIME_FIELD,
  StatementIssued: 'issuedAt',
  PaymentPlanAgreed: 'agreedAt',
  PaymentPlanInstallmentMissed: 'asOf',
  PaymentPlanDefaulted: 'asOf',
  PaymentPlanCompleted: 'asOf',
  PlacedWithCollections: 'placedAt',
  RecalledFromCollections: 'recalledAt',
};

type Row = Pick<LedgerEntry, 'claimId' | 'kind' | 'code' | 'description' | 'insuranceCents' | 'patientCents'>;

const row = (claimId: string | null, kind: LedgerEntryKind, description: string, amounts: { insuranceCents?: Cents; patientCents?: Cents } = {}, code: string | null = null): Row => ({
  claimId,
  kind,
  code,
  description,
  insuranceCents: amounts.insuranceCents ?? 0,
  patientCents: amounts.patientCents ?? 0,
});

/** Adjustments added up per group and reason, in the order they first appear. */
const byCode = (adjustments: readonly Adjustment[]): Array<{ group: string; reason: string; amountCents: Cents }> => {
  const totals = new Map<string, { group: string; reason: string; amountCents: Cents }>();
  for (const a of adjustments) {
    const key = `${a.group}-${a.reason}`;
    const current = totals.get(key) ?? { group: a.group, reason: a.reason, amountCents: 0 };
    totals.set(key, { ...current, amountCents: current.amountCents + a.amountCents });
  }
  return [...totals.values()];
};

/** The entries of a remittance; `sign` −1 gives those of its take-back. */
const remittanceRows = (claimId: string, data: RemittancePosted['data'], sign: 1 | -1): Row[] => {
  const back = sign === -1 ? 'take-back: ' : '';
  const rows = [row(claimId, 'insurance_payment', `${back}insurance paid ${formatCents(data.paidCents)} (${data.remittanceId})`, { insuranceCents: -sign * data.paidCents })];
  for (const a of byCode(remittanceAdjustments(data))) {
    const code = `${a.group}-${a.reason}`;
    rows.push(
      a.group === 'PR'
        ? row(claimId, 'patient_responsibility', `${back}${patientShareLabel(a.reason)} (${code}): patient owes ${formatCents(a.amountCents)}`, { insuranceCents: -sign * a.amountCents, patientCents: sign * a.amountCents }, code)
        : row(claimId, 'insurance_adjustment', `${back}insurance adjustment ${code} ${formatCents(a.amountCents)}`, { insuranceCents: -sign * a.amountCents }, code),
    );
  }
  return rows;
};

const billingNote = (event: PatientBillingEvent): string => {
  switch (event.type) {
    case 'StatementIssued':
      return `statement ${event.data.statementId} dated ${event.data.statementDate}: ${formatCents(event.data.amountDueCents)} due by ${event.data.dueDate}`;
    case 'PaymentPlanAgreed':
      return `payment plan ${event.data.planId} agreed: ${formatCents(event.data.totalCents)} in ${event.data.installments.length} ${event.data.frequency} installments from ${event.data.installments[0]?.dueDate ?? '?'} (claims ${event.data.claimIds.join(', ')})`;
    case 'PaymentPlanInstallmentMissed':
      return `payment plan ${event.data.planId}: installment ${event.data.installmentNumber} due ${event.data.dueDate} missed (short ${formatCents(event.data.shortfallCents)})`;
    case 'PaymentPlanDefaulted':
      return `payment plan ${event.data.planId} defaulted after missed installments ${event.data.missedInstallments.join(', ')}: ${formatCents(event.data.remainingCents)} unpaid`;
    case 'PaymentPlanCompleted':
      return `payment plan ${event.data.planId} completed (${event.data.reason === 'paid' ? 'paid in full' : 'nothing owed any more'})`;
    case 'PlacedWithCollections':
      return `placed with ${event.data.agency}: ${formatCents(event.data.placedCents)} on claims ${event.data.claims.map((c) => c.claimId).join(', ')} (${event.data.placementId})`;
    case 'RecalledFromCollections':
      return `recalled from ${event.data.agency} (${event.data.placementId}): ${event.data.reason}`;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

class LedgerBuilder {
  private readonly claims = new Map<string, Claim>();
  private readonly remittances = new Map<string, RemittancePosted['data']>();
  private patient: Patient;
  private insuranceCents = 0;
  private patientCents = 0;
  readonly entries: LedgerEntry[] = [];

  constructor(private readonly patientId: string) {
    this.patient = initialPatientState(patientId);
  }

  apply(event: LedgerSourceEvent): void {
    let rows: Row[];
    if (CLAIM_EVENT_TYPES.has(event.type)) rows = this.claimEvent({ type: event.type, data: event.data } as ClaimEvent);
    else if (event.type === 'PatientPaymentReceived' || event.type === 'PatientRefundIssued' || PATIENT_BILLING_EVENT_TYPES.has(event.type)) {
      rows = this.patientEvent({ type: event.type, data: event.data } as PatientStreamEvent);
    } else return;
    const data = event.data as Record<string, unknown>;
    const field = BUSINESS_TIME_FIELD[event.type];
    for (const r of rows) {
      this.insuranceCents += r.insuranceCents;
      this.patientCents += r.patientCents;
      const claim = r.claimId === null ? undefined : this.claims.get(r.claimId);
      this.entries.push({
        position: event.position.toString(10),
        recordedAt: event.metadata.recordedAt,
        date: field !== undefined && typeof data[field] === 'string' ? (data[field] as string) : event.metadata.recordedAt,
        eventType: event.type,
        ...r,
        claimId: r.claimId,
        dateOfService: claim?.dateOfService ?? null,
        insuranceBalanceCents: this.insuranceCents,
        patientBalanceCents: this.patientCents,
        balanceCents: this.insuranceCents + this.patientCents,
      });
    }
    // The entries are the fold, told in billing words; a difference is a bug here.
    const folded = this.folded();
    assert.equal(this.insuranceCents, folded.insuranceCents, `ledger insurance balance drifted from the claims at position ${event.position}`);
    assert.equal(this.patientCents, folded.patientCents, `ledger patient balance drifted from the claims at position ${event.position}`);
  }

  result(): PatientLedger {
    return {
      patientId: this.patientId,
      entries: this.entries,
      insuranceBalanceCents: this.insuranceCents,
      patientBalanceCents: this.patientCents,
      unallocatedCreditCents: this.patient.unallocatedCreditCents,
    };
  }

  private folded(): { insuranceCents: Cents; patientCents: Cents } {
    let insuranceCents = 0;
    let patientCents = -this.patient.unallocatedCreditCents;
    for (const claim of this.claims.values()) {
      const balances = balancesOf(claim.money);
      insuranceCents += balances.payerBalanceCents;
      patientCents += balances.patientBalanceCents;
    }
    return { insuranceCents, patientCents };
  }

  private claimEvent(event: ClaimEvent): Row[] {
    const claimId = event.data.claimId;
    const before = this.claims.get(claimId) ?? null;
    const after = evolveClaim(before, event);
    if (after === null) return [];
    this.claims.set(claimId, after);
    const delta = (key: 'payerBalanceCents' | 'patientBalanceCents'): Cents =>
      balancesOf(after.money)[key] - (before === null ? 0 : balancesOf(before.money)[key]);
    switch (event.type) {
      case 'ClaimSubmitted':
        return event.data.lines.map((line) =>
          row(claimId, 'charge', `${procedureText(line)} on ${event.data.dateOfService} billed to ${event.data.payerId}`, { insuranceCents: line.chargeCents }, line.procedureCode),
        );
      case 'ClaimRejected':
        return [row(claimId, 'note', `rejected by the payer: ${event.data.reasons.map((r) => `${r.code} ${r.message}`).join('; ')}`)];
      case 'DenialReceived':
        return [
          row(
            claimId,
            'note',
            `denied (${event.data.lineNumbers ? `lines ${event.data.lineNumbers.join(', ')}` : 'whole claim'}): ${event.data.adjustments.map((a) => `${a.group}-${a.reason} ${formatCents(a.amountCents)}`).join(', ')}${event.data.remarks.length > 0 ? `; remarks ${event.data.remarks.join(', ')}` : ''}`,
          ),
        ];
      case 'ClaimCorrected': {
        const change = after.money.chargesCents - (before?.money.chargesCents ?? 0);
        return change === 0
          ? [row(claimId, 'note', `corrected: ${event.data.reason}`)]
          : [row(claimId, 'charge_correction', `charges corrected by ${formatCents(change)}: ${event.data.reason}`, { insuranceCents: change })];
      }
      case 'ClaimResubmitted':
        return [row(claimId, 'note', `corrected claim sent to the payer again (submission ${after.submissionCount})`)];
      case 'RemittancePosted':
        this.remittances.set(`${claimId}\u0000${event.data.remittanceId}`, event.data);
        return remittanceRows(claimId, event.data, 1);
      case 'RemittanceReversed': {
        const original = this.remittances.get(`${claimId}\u0000${event.data.remittanceId}`);
        const standing = before?.remittances.some((r) => r.remittanceId === event.data.remittanceId && r.kind === 'payment' && !r.reversed);
        return original && standing
          ? remittanceRows(claimId, original, -1)
          : [row(claimId, 'note', `remittance ${event.data.remittanceId} reversed`, { insuranceCents: delta('payerBalanceCents'), patientCents: delta('patientBalanceCents') })];
      }
      case 'WriteOffPosted':
        return [
          row(
            claimId,
            'write_off',
            `${formatCents(event.data.amountCents)} written off the ${event.data.from === 'payer' ? 'insurance' : 'patient'} balance (${event.data.reason})`,
            event.data.from === 'payer' ? { insuranceCents: -event.data.amountCents } : { patientCents: -event.data.amountCents },
            event.data.reason,
          ),
        ];
      case 'ClaimVoided':
        return [row(claimId, 'void', `claim voided: ${event.data.reason}`, { insuranceCents: delta('payerBalanceCents'), patientCents: delta('patientBalanceCents') })];
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  }

  private patientEvent(event: PatientStreamEvent): Row[] {
    this.patient = evolvePatient(this.patient, event);
    switch (event.type) {
      case 'PatientPaymentReceived': {
        const { data } = event;
        const rows: Row[] = [];
        let allocatedCents = 0;
        for (const allocation of data.allocations) {
          allocatedCents += allocation.amountCents;
          const before = this.claims.get(allocation.claimId);
          if (!before) continue;
          const after = evolveClaim(before, event);
          if (after === null) continue;
          this.claims.set(allocation.claimId, after);
          const moved = balancesOf(after.money).patientBalanceCents - balancesOf(before.money).patientBalanceCents;
          rows.push(row(allocation.claimId, 'payment', `payment ${data.paymentId} (${data.method}) ${formatCents(allocation.amountCents)} applied`, { patientCents: moved }, data.method));
        }
        const creditCents = data.amountCents - allocatedCents;
        if (creditCents !== 0 || rows.length === 0) {
          rows.push(row(null, 'payment', `payment ${data.paymentId} (${data.method}) ${formatCents(creditCents)} held as credit`, { patientCents: -creditCents }, data.method));
        }
        return rows;
      }
      case 'PatientRefundIssued': {
        const { data } = event;
        if (data.claimId === undefined) return [row(null, 'refund', `refund ${data.refundId} of credit ${formatCents(data.amountCents)}`, { patientCents: data.amountCents })];
        const before = this.claims.get(data.claimId);
        const after = before ? evolveClaim(before, event) : null;
        if (!before || after === null) return [row(data.claimId, 'refund', `refund ${data.refundId} ${formatCents(data.amountCents)}`)];
        this.claims.set(data.claimId, after);
        const moved = balancesOf(after.money).patientBalanceCents - balancesOf(before.money).patientBalanceCents;
        return [row(data.claimId, 'refund', `refund ${data.refundId} of an overpayment ${formatCents(data.amountCents)}`, { patientCents: moved })];
      }
      default:
        return [row(null, 'note', billingNote(event))];
    }
  }
}

/** The patient's ledger from the patient stream and the streams of the patient's claims, in global order. */
export const buildPatientLedger = (patientId: string, events: readonly LedgerSourceEvent[]): PatientLedger => {
  const builder = new LedgerBuilder(patientId);
  for (const event of events) builder.apply(event);
  return builder.result();
};
