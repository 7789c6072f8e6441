import { CLAIM_ID, CLAIM_IN, claimAfter, OTHER_CLAIM_ID, OTHER_PATIENT_ID, PATIENT_ID, submitted } from '../../claims/claim-fixtures';
import type { Claim, ClaimFoldEvent } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { givenAccount, placed, planAgreed, planDefaulted, recalled, statementIssued } from '../../../test/patient-billing/fixtures';
import { agreePaymentPlan, planSchedule, type AgreePaymentPlan } from './agree-payment-plan';

/** CLAIM_IN.paid: the patient owes $40 on each claim. */
const paid = claimAfter(...CLAIM_IN.paid);
const otherPaid = claimAfter(...CLAIM_IN.paid.map((e) => ({ ...e, data: { ...e.data, claimId: OTHER_CLAIM_ID } }) as ClaimFoldEvent));
const claims = (...list: Claim[]): ReadonlyMap<string, Claim> => new Map(list.map((c) => [c.claimId, c]));

const command = (overrides: Partial<AgreePaymentPlan> = {}): AgreePaymentPlan => ({
  patientId: PATIENT_ID,
  planId: 'plan-1',
  claimIds: [CLAIM_ID],
  totalCents: 3_000,
  installmentCount: 3,
  firstDueDate: '2025-06-01',
  frequency: 'monthly',
  missesToDefault: 2,
  graceDays: 0,
  agreedAt: '2025-05-15T10:00:00Z',
  ...overrides,
});

describe('agreePaymentPlan', () => {
  it('agrees a plan on part of what the patient owes: total, installments, schedule, claims', () => {
    givenAccount(statementIssued())
      .when((account) => agreePaymentPlan(command(), account, claims(paid)))
      .then([planAgreed()]);
  });

  it('defaults the total to everything owed on the claims, split to the cent', () => {
    const { totalCents: _total, ...noTotal } = command({ claimIds: [CLAIM_ID, OTHER_CLAIM_ID] });
    const [event] = agreePaymentPlan(noTotal, givenAccount().state, claims(paid, otherPaid));
    expect(event?.data.totalCents).toBe(8_000);
    expect(event?.data.installments.map((i) => i.amountCents)).toEqual([2_667, 2_667, 2_666]);
  });

  describe('planSchedule', () => {
    it('monthly keeps the day, or the last day of a shorter month', () => {
      expect(planSchedule(400, 4, '2025-01-31', 'monthly').map((i) => i.dueDate)).toEqual(['2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30']);
      expect(planSchedule(300, 3, '2023-12-29', 'monthly').map((i) => i.dueDate)).toEqual(['2023-12-29', '2024-01-29', '2024-02-29']);
    });

    it('weekly and biweekly count days', () => {
      expect(planSchedule(300, 3, '2025-02-24', 'weekly').map((i) => i.dueDate)).toEqual(['2025-02-24', '2025-03-03', '2025-03-10']);
      expect(planSchedule(300, 3, '2025-02-24', 'biweekly').map((i) => i.dueDate)).toEqual(['2025-02-24', '2025-03-10', '2025-03-24']);
    });

    it('the cents that do not divide go one each to the first installments; the sum is the total', () => {
      const schedule = planSchedule(1_001, 4, '2025-06-01', 'monthly');
      expect(schedule.map((i) => i.amountCents)).toEqual([251, 250, 250, 250]);
      expect(schedule.map((i) => i.number)).toEqual([1, 2, 3, 4]);
    });
  });

  it('a claim whose plan defaulted may go on a new plan', () => {
    givenAccount(planAgreed(), planDefaulted())
      .when((account) => agreePaymentPlan(command({ planId: 'plan-2' }), account, claims(paid)))
      .then([planAgreed({ planId: 'plan-2' })]);
  });

  it('a claim recalled from collections may go on a plan', () => {
    givenAccount(statementIssued(), placed(), recalled())
      .when((account) => agreePaymentPlan(command(), account, claims(paid)))
      .then([planAgreed()]);
  });

  it('409 DUPLICATE_PLAN for a plan id already used', () => {
    givenAccount(planAgreed(), planDefaulted())
      .when((account) => agreePaymentPlan(command(), account, claims(paid)))
      .thenThrows(DuplicateId, 'DUPLICATE_PLAN');
  });

  describe('422', () => {
    it('CLAIM_ON_CURRENT_PLAN: a claim already on a current plan', () => {
      givenAccount(planAgreed())
        .when((account) => agreePaymentPlan(command({ planId: 'plan-2' }), account, claims(paid)))
        .thenThrows(RuleViolation, 'CLAIM_ON_CURRENT_PLAN');
    });

    it('CLAIM_PLACED_WITH_COLLECTIONS: a claim the agency holds', () => {
      givenAccount(statementIssued(), placed())
        .when((account) => agreePaymentPlan(command(), account, claims(paid)))
        .thenThrows(RuleViolation, 'CLAIM_PLACED_WITH_COLLECTIONS');
    });

    it('PLAN_EXCEEDS_BALANCE: a cent more than is owed', () => {
      givenAccount()
        .when((account) => agreePaymentPlan(command({ totalCents: 4_001 }), account, claims(paid)))
        .thenThrows(RuleViolation, 'PLAN_EXCEEDS_BALANCE');
    });

    it('NO_PATIENT_BALANCE: a claim the payer has not adjudicated, or one paid off', () => {
      givenAccount().when((account) => agreePaymentPlan(command(), account, claims(claimAfter(submitted())))).thenThrows(RuleViolation, 'NO_PATIENT_BALANCE');
      givenAccount().when((account) => agreePaymentPlan(command(), account, claims(claimAfter(...CLAIM_IN.closed)))).thenThrows(RuleViolation, 'NO_PATIENT_BALANCE');
    });

    it("NOT_PATIENTS_CLAIM: an unknown claim, another patient's claim", () => {
      givenAccount().when((account) => agreePaymentPlan(command(), account, claims())).thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
      givenAccount()
        .when((account) => agreePaymentPlan(command(), account, claims({ ...paid, patientId: OTHER_PATIENT_ID })))
        .thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
    });

    it('CLAIM_VOIDED: a voided claim', () => {
      givenAccount().when((account) => agreePaymentPlan(command(), account, claims(claimAfter(...CLAIM_IN.voided)))).thenThrows(RuleViolation, 'CLAIM_VOIDED');
    });
  });

  describe('400', () => {
    it.each<[string, Partial<AgreePaymentPlan>, string]>([
      ['no claims', { claimIds: [] }, 'claimIds'],
      ['a claim named twice', { claimIds: [CLAIM_ID, CLAIM_ID] }, 'claimIds'],
      ['no installments', { installmentCount: 0 }, 'installmentCount'],
      ['more installments than a plan takes', { installmentCount: 61 }, 'installmentCount'],
      ['more misses to default than installments', { missesToDefault: 4 }, 'missesToDefault'],
      ['no misses to default', { missesToDefault: 0 }, 'missesToDefault'],
      ['negative grace days', { graceDays: -1 }, 'graceDays'],
      ['a first due date that is no date', { firstDueDate: '2025-02-30' }, 'firstDueDate'],
      ['a fractional total', { totalCents: 10.5 }, 'totalCents'],
      ['installments of less than a cent', { totalCents: 2, installmentCount: 3 }, 'installmentCount'],
    ])('%s', (_, overrides, field) => {
      const error = givenAccount().when((account) => agreePaymentPlan(command(overrides), account, claims(paid))).thenThrows(InvalidInput);
      expect(error.errors.map((e) => e.field)).toEqual([field]);
    });
  });
});
