import assert from 'node:assert';
import { balancesOf, remittanceAdjustments, type Adjustment, type Claim, type ClaimFoldEvent } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import type { Cents } from '../../common/money';
import { evolvePatient, initialPatientState, type PatientStreamEvent } from '../../patients/patient';
import { addDays, utcDate } from '../billing-rules';
import {
  currentPlanOf,
  foldPatientAccount,
  installmentsDueCents,
  lastStatement,
  planPaidCents,
  type PatientAccount,
} from '../patient-account';
import type {
  PatientShare,
  StatementClaim,
  StatementIssued,
  StatementPayment,
  StatementPlan,
  StatementRefund,
} from '../patient-billing-events';

/** Days the patient has to pay, counted from the statement date, unless the biller names a due date. */
export const STATEMENT_DUE_DAYS = 30;

export interface IssueStatement {
  patientId: string;
  statementId: string;
  /** The cut-off (recorded time): the statement shows the ledger as it stood then. */
  asOf: string;
  dueDate?: string;
  issuedAt: string;
  /** When the command is handled: a statement cannot show a ledger that has not happened yet. */
  now: string;
}

/** A claim as it stood at the cut-off, with the events that made it (its stream and the patient money on it). */
export interface ClaimAtCutoff {
  claim: Claim;
  events: readonly ClaimFoldEvent[];
}

/** A patient-stream event with the instant the ledger recorded it. */
export interface RecordedPatientEvent {
  event: PatientStreamEvent;
  recordedAt: string;
}

export interface StatementSources {
  /** Every claim of the patient as it stood at the cut-off. */
  claims: readonly ClaimAtCutoff[];
  /** The whole patient stream in order; the decider keeps what was recorded by the cut-off. */
  patientEvents: readonly RecordedPatientEvent[];
}

/** Labels the patient reads for the PR reason codes (CARC) a statement explains; the CARC list itself is X12's and never shipped. */
const PR_REASON_LABELS: Readonly<Record<string, string>> = { '1': 'Deductible', '2': 'Coinsurance', '3': 'Copay' };

export const patientShareLabel = (reason: string): string => PR_REASON_LABELS[reason] ?? 'Other patient responsibility';

/** A statement id from its cut-off: `stmt-2026-01-31` for the end of a day, else `stmt-20260131T120000Z`. */
export const defaultStatementId = (asOf: string): string => {
  const iso = new Date(asOf).toISOString();
  if (iso.endsWith('T23:59:59.999Z')) return `stmt-${iso.slice(0, 10)}`;
  return `stmt-${iso.replace(/[-:]/g, '').replace(/\.000Z$/, 'Z').replace('.', '')}`;
};

/**
 * What the patient owes and why: the PR adjustments of the remittances still standing (not
 * reversed; a void clears them all), added up per reason code.
 */
export const patientSharesOf = (claim: Claim, events: readonly ClaimFoldEvent[]): PatientShare[] => {
  const standing = new Map<string, Adjustment[]>();
  for (const event of events) {
    if (event.type === 'RemittancePosted') standing.set(event.data.remittanceId, remittanceAdjustments(event.data).filter((a) => a.group === 'PR'));
    else if (event.type === 'RemittanceReversed') standing.delete(event.data.remittanceId);
    else if (event.type === 'ClaimVoided') standing.clear();
  }
  const byReason = new Map<string, Cents>();
  for (const adjustment of [...standing.values()].flat()) byReason.set(adjustment.reason, (byReason.get(adjustment.reason) ?? 0) + adjustment.amountCents);
  const shares = [...byReason.entries()]
    .filter(([, amountCents]) => amountCents !== 0)
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([reason, amountCents]) => ({ reason, label: patientShareLabel(reason), amountCents }));
  // The same events fold claim.money; a mismatch is a bug here, not bad input.
  assert.equal(
    shares.reduce((sum, s) => sum + s.amountCents, 0),
    claim.money.patientResponsibilityCents,
    `PR reasons of claim ${claim.claimId} do not add up to its patient responsibility`,
  );
  return shares;
};

const statementClaim = (source: ClaimAtCutoff, paymentPlanId: string | null): StatementClaim => {
  const { claim } = source;
  const balances = balancesOf(claim.money);
  return {
    claimId: claim.claimId,
    dateOfService: claim.dateOfService,
    providerNpi: claim.providerNpi,
    payerId: claim.payerId,
    procedures: claim.lines.map((line) => ({
      lineNumber: line.lineNumber,
      procedureCode: line.procedureCode,
      modifiers: [...line.modifiers],
      units: line.units,
      chargeCents: line.chargeCents,
    })),
    chargesCents: balances.chargesCents,
    insurancePaidCents: balances.payerPaidCents,
    insuranceAdjustedCents: balances.contractualAdjustmentCents,
    insurancePendingCents: balances.payerBalanceCents,
    patientResponsibilityCents: balances.patientResponsibilityCents,
    patientShares: patientSharesOf(claim, source.events),
    patientPaidCents: balances.patientPaidCents,
    patientAdjustedCents: claim.money.patientWriteOffCents,
    patientBalanceCents: balances.patientBalanceCents,
    paymentPlanId,
  };
};

/**
 * Issues a statement: at the cut-off, every claim with a patient balance (what was charged, what
 * the insurer paid and adjusted, what the patient owes and why, what they paid), the payments
 * since the last statement, what is due and by when.
 */
export const issueStatement = (command: IssueStatement, account: PatientAccount, sources: StatementSources): StatementIssued[] => {
  if (account.statements.some((s) => s.statementId === command.statementId)) {
    throw new DuplicateId('DUPLICATE_STATEMENT', `statement ${command.statementId} is already issued to patient ${command.patientId}`);
  }
  if (Date.parse(command.asOf) > Date.parse(command.now)) {
    throw new RuleViolation('AS_OF_IN_FUTURE', `the cut-off ${command.asOf} is after now (${command.now}): a statement shows what has happened`);
  }
  const previous = lastStatement(account);
  // Statements follow one another: "payments since your last statement" must mean something.
  if (previous && Date.parse(command.asOf) < Date.parse(previous.asOf)) {
    throw new RuleViolation('STATEMENT_BEFORE_PREVIOUS', `the cut-off ${command.asOf} is before that of statement ${previous.statementId} (${previous.asOf})`);
  }
  const statementDate = utcDate(command.asOf);
  const dueDate = command.dueDate ?? addDays(statementDate, STATEMENT_DUE_DAYS);
  if (dueDate < statementDate) throw new InvalidInput('dueDate is before the statement date', [{ field: 'dueDate', message: `on or after ${statementDate}` }]);

  const cutoff = Date.parse(command.asOf);
  const known = sources.patientEvents.filter((e) => Date.parse(e.recordedAt) <= cutoff);
  const atCutoff = foldPatientAccount(command.patientId, known.map((e) => e.event));
  const creditCents = known.reduce((patient, e) => evolvePatient(patient, e.event), initialPatientState(command.patientId)).unallocatedCreditCents;

  const listed = sources.claims
    .filter((c) => c.claim.patientId === command.patientId && c.claim.status !== 'voided' && balancesOf(c.claim.money).patientBalanceCents !== 0)
    .sort((a, b) => a.claim.dateOfService.localeCompare(b.claim.dateOfService) || a.claim.claimId.localeCompare(b.claim.claimId));
  if (!listed.some((c) => balancesOf(c.claim.money).patientBalanceCents > 0)) {
    throw new RuleViolation('NOTHING_OWED', `patient ${command.patientId} owed nothing on any claim at ${command.asOf}`);
  }
  const claims = listed.map((c) => statementClaim(c, currentPlanOf(atCutoff, c.claim.claimId)?.planId ?? null));

  const after = previous ? Date.parse(previous.asOf) : Number.NEGATIVE_INFINITY;
  const since = known.filter((e) => Date.parse(e.recordedAt) > after);
  const paymentsReceived: StatementPayment[] = since.flatMap((e) =>
    e.event.type === 'PatientPaymentReceived'
      ? [{ paymentId: e.event.data.paymentId, receivedAt: e.event.data.receivedAt, method: e.event.data.method, amountCents: e.event.data.amountCents }]
      : [],
  );
  const refundsIssued: StatementRefund[] = since.flatMap((e) =>
    e.event.type === 'PatientRefundIssued' ? [{ refundId: e.event.data.refundId, issuedAt: e.event.data.issuedAt, amountCents: e.event.data.amountCents }] : [],
  );

  const paymentPlans: StatementPlan[] = atCutoff.plans
    .filter((plan) => plan.status === 'current')
    .map((plan) => {
      const paidCents = planPaidCents(plan);
      const coveredCents = claims.filter((c) => c.paymentPlanId === plan.planId).reduce((sum, c) => sum + Math.max(c.patientBalanceCents, 0), 0);
      let cumulative = 0;
      const next = plan.installments.find((i) => (cumulative += i.amountCents) > paidCents);
      return {
        planId: plan.planId,
        totalCents: plan.totalCents,
        paidCents,
        installmentDueCents: Math.max(0, Math.min(installmentsDueCents(plan, dueDate) - paidCents, coveredCents)),
        nextDueDate: next?.dueDate ?? null,
      };
    });

  const totalCents = claims.reduce((sum, c) => sum + c.patientBalanceCents, 0);
  const offPlanCents = claims.filter((c) => c.paymentPlanId === null).reduce((sum, c) => sum + c.patientBalanceCents, 0);
  const planDueCents = paymentPlans.reduce((sum, p) => sum + p.installmentDueCents, 0);
  return [
    {
      type: 'StatementIssued',
      data: {
        patientId: command.patientId,
        statementId: command.statementId,
        asOf: new Date(command.asOf).toISOString(),
        statementDate,
        dueDate,
        issuedAt: command.issuedAt,
        previousStatement: previous
          ? { statementId: previous.statementId, statementDate: previous.statementDate, amountDueCents: previous.amountDueCents }
          : null,
        claims,
        paymentsReceived,
        refundsIssued,
        unallocatedCreditCents: creditCents,
        balanceCents: totalCents - creditCents,
        paymentPlans,
        amountDueCents: Math.max(0, offPlanCents + planDueCents - creditCents),
      },
    },
  ];
};
