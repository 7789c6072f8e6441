import {
  CLAIM_ID,
  CLAIM_IN,
  claimAfter,
  co,
  OTHER_CLAIM_ID,
  PATIENT_ID,
  patientPaid,
  pr,
  remittanceLine,
  remitted,
  reversed,
  submitted,
} from '../../claims/claim-fixtures';
import type { ClaimFoldEvent } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import type { PatientStreamEvent } from '../../patients/patient';
import { givenAccount, planAgreed, statementClaim, statementIssued } from '../../../test/patient-billing/fixtures';
import { defaultStatementId, issueStatement, patientSharesOf, type ClaimAtCutoff, type IssueStatement, type RecordedPatientEvent } from './issue-statement';

const NOW = '2025-05-01T08:00:00Z';
const command = (overrides: Partial<IssueStatement> = {}): IssueStatement => ({
  patientId: PATIENT_ID,
  statementId: 'stmt-2025-04-30',
  asOf: '2025-04-30T23:59:59.999Z',
  issuedAt: NOW,
  now: NOW,
  ...overrides,
});

const atCutoff = (...events: ClaimFoldEvent[]): ClaimAtCutoff => ({ claim: claimAfter(...events), events });
const recorded = (event: PatientStreamEvent, recordedAt: string): RecordedPatientEvent => ({ event, recordedAt });

/** The claim after the standard remittance: $40 owed (copay PR-3 $30, coinsurance PR-2 $10). */
const paidClaim = atCutoff(...CLAIM_IN.paid);
const withSource = (...claims: ClaimAtCutoff[]) => ({ claims, patientEvents: [] as RecordedPatientEvent[] });

describe('issueStatement', () => {
  it('captures every claim with a patient balance: charges, insurer paid and adjusted, the patient shares by PR reason', () => {
    givenAccount()
      .when((account) => issueStatement(command(), account, withSource(paidClaim, atCutoff(submitted({ claimId: OTHER_CLAIM_ID })))))
      .then([
        statementIssued({
          claims: [
            statementClaim({
              procedures: paidClaim.claim.lines.map((l) => ({ lineNumber: l.lineNumber, procedureCode: l.procedureCode, modifiers: [...l.modifiers], units: l.units, chargeCents: l.chargeCents })),
            }),
          ],
        }),
      ]);
  });

  it('counts only what the ledger knew at the cut-off: later payments and credit are left out', () => {
    const early = patientPaid({ paymentId: 'pay-early', amountCents: 2_500, allocations: [{ claimId: CLAIM_ID, amountCents: 1_500 }] });
    const late = patientPaid({ paymentId: 'pay-late', amountCents: 500, allocations: [] });
    const claim = atCutoff(...CLAIM_IN.paid, early);
    const [event] = issueStatement(command(), givenAccount().state, {
      claims: [claim],
      patientEvents: [recorded(early, '2025-04-20T10:00:00Z'), recorded(late, '2025-05-01T07:00:00Z')],
    });
    expect(event?.data).toMatchObject({
      paymentsReceived: [{ paymentId: 'pay-early', receivedAt: '2025-04-20T15:00:00Z', method: 'card', amountCents: 2_500 }],
      unallocatedCreditCents: 1_000,
      balanceCents: 1_500,
      amountDueCents: 1_500,
    });
    expect(event?.data.claims[0]).toMatchObject({ patientPaidCents: 1_500, patientBalanceCents: 2_500 });
  });

  it('lists payments since the previous statement only, and names it', () => {
    const before = patientPaid({ paymentId: 'pay-1', amountCents: 500, allocations: [{ claimId: CLAIM_ID, amountCents: 500 }] });
    const after = patientPaid({ paymentId: 'pay-2', amountCents: 700, allocations: [{ claimId: CLAIM_ID, amountCents: 700 }] });
    const claim = atCutoff(...CLAIM_IN.paid, before, after);
    const first = statementIssued({ asOf: '2025-04-30T23:59:59.999Z' });
    const [event] = issueStatement(command({ statementId: 'stmt-may', asOf: '2025-05-31T23:59:59.999Z', now: '2025-06-01T00:00:00Z' }), givenAccount(first).state, {
      claims: [claim],
      patientEvents: [recorded(before, '2025-04-10T00:00:00Z'), recorded(first, '2025-05-01T08:00:00Z'), recorded(after, '2025-05-10T00:00:00Z')],
    });
    expect(event?.data.previousStatement).toEqual({ statementId: 'stmt-2025-04-30', statementDate: '2025-04-30', amountDueCents: 4_000 });
    expect(event?.data.paymentsReceived.map((p) => p.paymentId)).toEqual(['pay-2']);
    expect(event?.data).toMatchObject({ statementDate: '2025-05-31', dueDate: '2025-06-30', amountDueCents: 2_800 });
  });

  it('a balance on a current plan is due by installment: off-plan balances plus installments due by the due date', () => {
    const plan = planAgreed({ agreedAt: '2025-04-01T00:00:00Z', installments: [
      { number: 1, dueDate: '2025-05-15', amountCents: 1_000 },
      { number: 2, dueDate: '2025-06-15', amountCents: 1_000 },
      { number: 3, dueDate: '2025-07-15', amountCents: 1_000 },
    ] });
    const other = atCutoff(...CLAIM_IN.paid.map((e) => ({ ...e, data: { ...e.data, claimId: OTHER_CLAIM_ID } }) as ClaimFoldEvent));
    const [event] = issueStatement(command(), givenAccount(plan).state, { claims: [paidClaim, other], patientEvents: [recorded(plan, '2025-04-01T00:00:00Z')] });
    expect(event?.data.claims.map((c) => [c.claimId, c.paymentPlanId])).toEqual([
      [CLAIM_ID, 'plan-1'],
      [OTHER_CLAIM_ID, null],
    ]);
    expect(event?.data.paymentPlans).toEqual([{ planId: 'plan-1', totalCents: 3_000, paidCents: 0, installmentDueCents: 1_000, nextDueDate: '2025-05-15' }]);
    expect(event?.data).toMatchObject({ balanceCents: 8_000, amountDueCents: 5_000 });
  });

  describe('patientSharesOf: why the patient owes, from the standing remittances', () => {
    it('adds the PR adjustments up per reason, line and claim level alike', () => {
      const lines = [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000)), remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000)), remittanceLine(3, 12_000, co('45', 5_500))];
      const events = [submitted(), remitted({ lines, adjustments: [pr('1', 2_000)] })];
      expect(patientSharesOf(claimAfter(...events), events)).toEqual([
        { reason: '1', label: 'Deductible', amountCents: 2_000 },
        { reason: '2', label: 'Coinsurance', amountCents: 1_000 },
        { reason: '3', label: 'Copay', amountCents: 3_000 },
      ]);
    });

    it('a reversed remittance no longer explains anything', () => {
      const events = [submitted(), remitted(), reversed()];
      expect(patientSharesOf(claimAfter(...events), events)).toEqual([]);
    });

    it('names other PR reasons as other patient responsibility', () => {
      const lines = [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000)), remittanceLine(2, 4_000, co('45', 2_500), { group: 'PR', reason: '96', amountCents: 1_000 }), remittanceLine(3, 12_000, co('45', 5_500))];
      const events = [submitted(), remitted({ lines })];
      expect(patientSharesOf(claimAfter(...events), events)).toEqual([
        { reason: '3', label: 'Copay', amountCents: 3_000 },
        { reason: '96', label: 'Other patient responsibility', amountCents: 1_000 },
      ]);
    });
  });

  it('defaultStatementId names the cut-off', () => {
    expect(defaultStatementId('2025-04-30T23:59:59.999Z')).toBe('stmt-2025-04-30');
    expect(defaultStatementId('2025-04-30T12:00:00Z')).toBe('stmt-20250430T120000Z');
    expect(defaultStatementId('2025-04-30T12:00:00.250Z')).toBe('stmt-20250430T120000250Z');
  });

  it('409 DUPLICATE_STATEMENT for a statement id already issued', () => {
    givenAccount(statementIssued()).when((account) => issueStatement(command({ asOf: NOW }), account, withSource(paidClaim))).thenThrows(DuplicateId, 'DUPLICATE_STATEMENT');
  });

  it('422 AS_OF_IN_FUTURE: a statement shows what has happened', () => {
    givenAccount().when((account) => issueStatement(command({ asOf: '2025-05-01T08:00:01Z' }), account, withSource(paidClaim))).thenThrows(RuleViolation, 'AS_OF_IN_FUTURE');
  });

  it('422 STATEMENT_BEFORE_PREVIOUS: statements follow one another', () => {
    givenAccount(statementIssued())
      .when((account) => issueStatement(command({ statementId: 'stmt-2', asOf: '2025-04-15T00:00:00Z' }), account, withSource(paidClaim)))
      .thenThrows(RuleViolation, 'STATEMENT_BEFORE_PREVIOUS');
  });

  it('422 NOTHING_OWED when no claim has a patient balance at the cut-off', () => {
    givenAccount().when((account) => issueStatement(command(), account, withSource(atCutoff(...CLAIM_IN.closed), atCutoff(submitted({ claimId: OTHER_CLAIM_ID }))))).thenThrows(RuleViolation, 'NOTHING_OWED');
  });

  it('400 for a due date before the statement date', () => {
    const error = givenAccount().when((account) => issueStatement(command({ dueDate: '2025-04-29' }), account, withSource(paidClaim))).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual(['dueDate']);
  });
});
