import { CLAIM_ID, OTHER_CLAIM_ID, patientPaid, PATIENT_ID, refunded } from '../../claims/claim-fixtures';
import { NotFound, RuleViolation } from '../../common/errors';
import type { PatientStreamEvent } from '../../patients/patient';
import { givenAccount, installmentMissed, planAgreed, planCompleted, planDefaulted } from '../../../test/patient-billing/fixtures';
import { evaluatePaymentPlan, type EvaluatePaymentPlan } from './evaluate-payment-plan';

/** The claim still owes $40: the plan's claims are not settled. */
const OWED_CENTS = 4_000;

const judge = (asOf: string, overrides: Partial<EvaluatePaymentPlan> = {}): EvaluatePaymentPlan => ({
  patientId: PATIENT_ID,
  planId: 'plan-1',
  asOf,
  now: '2026-01-01T00:00:00Z',
  ...overrides,
});

/** A $10 payment toward the plan's claim, received on the given day. */
const paidOn = (date: string, paymentId: string, amountCents = 1_000): PatientStreamEvent =>
  patientPaid({ paymentId, amountCents, receivedAt: `${date}T12:00:00Z`, allocations: [{ claimId: CLAIM_ID, amountCents }] });

const missed = (installmentNumber: number, asOf: string, paidCents = 0) => {
  const dueCents = 1_000 * installmentNumber;
  return installmentMissed(installmentNumber, { asOf, paidCents, dueCents, shortfallCents: dueCents - paidCents });
};

describe('evaluatePaymentPlan', () => {
  describe('pay: installments paid by their deadline are not missed', () => {
    it('every installment paid on time', () => {
      givenAccount(planAgreed(), paidOn('2025-06-01', 'p1'), paidOn('2025-06-30', 'p2'))
        .when((account) => evaluatePaymentPlan(judge('2025-07-20T00:00:00Z'), account, OWED_CENTS))
        .then([]);
    });

    it('an installment not yet due is not judged', () => {
      givenAccount(planAgreed()).when((account) => evaluatePaymentPlan(judge('2025-06-01T23:59:59.999Z'), account, OWED_CENTS)).then([]);
    });

    it('within the grace days an unpaid installment is not yet missed; after them it is', () => {
      const lenient = planAgreed({ graceDays: 5 });
      givenAccount(lenient).when((account) => evaluatePaymentPlan(judge('2025-06-06T23:00:00Z'), account, OWED_CENTS)).then([]);
      givenAccount(lenient)
        .when((account) => evaluatePaymentPlan(judge('2025-06-07T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-06-07T00:00:00.000Z')]);
    });

    it('a payment counts by the day the patient paid, not by when it was posted', () => {
      // Posted after the deadline, but received the day before it.
      givenAccount(planAgreed(), paidOn('2025-05-31', 'p1'))
        .when((account) => evaluatePaymentPlan(judge('2025-06-10T00:00:00Z'), account, OWED_CENTS))
        .then([]);
    });
  });

  describe('which patient money counts toward the plan', () => {
    it('money paid before the plan was agreed does not', () => {
      givenAccount(paidOn('2025-05-01', 'p0'), planAgreed())
        .when((account) => evaluatePaymentPlan(judge('2025-06-02T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-06-02T00:00:00.000Z')]);
    });

    it('money allocated to a claim the plan does not cover does not; unallocated credit does not', () => {
      const elsewhere = patientPaid({ paymentId: 'p1', amountCents: 2_000, receivedAt: '2025-05-20T00:00:00Z', allocations: [{ claimId: OTHER_CLAIM_ID, amountCents: 1_000 }] });
      givenAccount(planAgreed(), elsewhere)
        .when((account) => evaluatePaymentPlan(judge('2025-06-02T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-06-02T00:00:00.000Z')]);
    });

    it('a refund from a covered claim counts against the plan', () => {
      givenAccount(planAgreed(), paidOn('2025-05-20', 'p1'), refunded({ amountCents: 500, issuedAt: '2025-05-25T00:00:00Z' }))
        .when((account) => evaluatePaymentPlan(judge('2025-06-02T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-06-02T00:00:00.000Z', 500)]);
    });
  });

  describe('miss', () => {
    it('an installment past its deadline with less paid than was due by then', () => {
      givenAccount(planAgreed(), paidOn('2025-06-01', 'p1', 600))
        .when((account) => evaluatePaymentPlan(judge('2025-06-15T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-06-15T00:00:00.000Z', 600)]);
    });

    it('paying late does not undo the miss: the deadline had passed', () => {
      givenAccount(planAgreed(), paidOn('2025-06-05', 'p1'))
        .when((account) => evaluatePaymentPlan(judge('2025-06-15T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-06-15T00:00:00.000Z')]);
    });

    it('payments go to the oldest installment first: one late payment leaves the next one missed', () => {
      givenAccount(planAgreed({ missesToDefault: 3 }), missed(1, '2025-06-15T00:00:00.000Z'), paidOn('2025-06-20', 'p1'))
        .when((account) => evaluatePaymentPlan(judge('2025-07-02T00:00:00Z'), account, OWED_CENTS))
        .then([missed(2, '2025-07-02T00:00:00.000Z', 1_000)]);
    });

    it('judging again finds nothing new: a miss is recorded once', () => {
      givenAccount(planAgreed({ missesToDefault: 3 }), missed(1, '2025-06-15T00:00:00.000Z'))
        .when((account) => evaluatePaymentPlan(judge('2025-06-20T00:00:00Z'), account, OWED_CENTS))
        .then([]);
    });

    it('judging at an earlier instant finds nothing the later one did not', () => {
      givenAccount(planAgreed({ missesToDefault: 3 }), missed(1, '2025-07-15T00:00:00.000Z'))
        .when((account) => evaluatePaymentPlan(judge('2025-06-20T00:00:00Z'), account, OWED_CENTS))
        .then([]);
    });
  });

  describe('default', () => {
    it('the second miss defaults the plan, in the same decision', () => {
      givenAccount(planAgreed(), paidOn('2025-06-01', 'p1'), missed(2, '2025-07-10T00:00:00.000Z', 1_000))
        .when((account) => evaluatePaymentPlan(judge('2025-08-05T00:00:00Z'), account, OWED_CENTS))
        .then([
          missed(3, '2025-08-05T00:00:00.000Z', 1_000),
          planDefaulted({ missedInstallments: [2, 3], paidCents: 1_000, remainingCents: 2_000, asOf: '2025-08-05T00:00:00.000Z' }),
        ]);
    });

    it('two misses found at once: both recorded, then the default', () => {
      givenAccount(planAgreed())
        .when((account) => evaluatePaymentPlan(judge('2025-07-05T00:00:00Z'), account, OWED_CENTS))
        .then([missed(1, '2025-07-05T00:00:00.000Z'), missed(2, '2025-07-05T00:00:00.000Z'), planDefaulted({ asOf: '2025-07-05T00:00:00.000Z' })]);
    });

    it('with missesToDefault 3, two misses leave the plan current', () => {
      const state = givenAccount(planAgreed({ missesToDefault: 3 }), missed(1, '2025-07-05T00:00:00.000Z'), missed(2, '2025-07-05T00:00:00.000Z')).state;
      expect(state.plans[0]).toMatchObject({ status: 'current', missedInstallments: [1, 2] });
    });

    it('a defaulted plan is judged no more', () => {
      givenAccount(planAgreed(), planDefaulted()).when((account) => evaluatePaymentPlan(judge('2025-12-01T00:00:00Z'), account, OWED_CENTS)).then([]);
    });
  });

  describe('complete', () => {
    it('paid in full', () => {
      givenAccount(planAgreed(), paidOn('2025-05-20', 'p1', 3_000))
        .when((account) => evaluatePaymentPlan(judge('2025-06-02T00:00:00Z'), account, 1_000))
        .then([planCompleted({ asOf: '2025-06-02T00:00:00.000Z' })]);
    });

    it('nothing owed on its claims any more (written off, reprocessed)', () => {
      givenAccount(planAgreed())
        .when((account) => evaluatePaymentPlan(judge('2025-07-05T00:00:00Z'), account, 0))
        .then([planCompleted({ reason: 'balance_resolved', paidCents: 0, asOf: '2025-07-05T00:00:00.000Z' })]);
    });

    it('a completed plan is judged no more', () => {
      givenAccount(planAgreed(), planCompleted()).when((account) => evaluatePaymentPlan(judge('2025-12-01T00:00:00Z'), account, OWED_CENTS)).then([]);
    });
  });

  it('404 for a plan the patient does not have', () => {
    givenAccount().when((account) => evaluatePaymentPlan(judge('2025-07-05T00:00:00Z'), account, OWED_CENTS)).thenThrows(NotFound);
  });

  it('422 AS_OF_IN_FUTURE: a plan is judged on what has happened', () => {
    givenAccount(planAgreed())
      .when((account) => evaluatePaymentPlan(judge('2026-01-01T00:00:01Z'), account, OWED_CENTS))
      .thenThrows(RuleViolation, 'AS_OF_IN_FUTURE');
  });
});
