import {
  balancesOf,
  claimStreamId,
  evolveClaim,
  openLineNumbers,
  touchesClaim,
  type Claim,
  type ClaimBalances,
  type ClaimMoney,
} from './claim';
import {
  ALL_STATUSES,
  CLAIM_ID,
  CLAIM_IN,
  claimAfter,
  co,
  corrected,
  denied,
  ecg,
  foldClaim,
  linesDenied,
  officeVisit,
  OTHER_CLAIM_ID,
  patientPaid,
  pr,
  refunded,
  refundedFromCredit,
  rejected,
  remittanceLine,
  remitted,
  resubmitted,
  reversed,
  submitted,
  TOTAL_CHARGE_CENTS,
  voided,
  writtenOff,
} from './claim-fixtures';

const balances = (claim: Claim): ClaimBalances => balancesOf(claim.money);
const adjudications = (claim: Claim) => claim.lines.map((line) => line.adjudication);

const NO_MONEY: ClaimMoney = {
  chargesCents: 0,
  payerPaidCents: 0,
  contractualAdjustmentCents: 0,
  patientResponsibilityCents: 0,
  patientPaidCents: 0,
  payerWriteOffCents: 0,
  patientWriteOffCents: 0,
};

/** Line 1 only: paid $80, CO-45 $40, copay $30 (ECG and wellness visit still open: payer balance $250). */
const line1Paid = remitted({ lines: [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000))] });

describe('evolveClaim', () => {
  describe('submission', () => {
    it('a submitted claim awaits adjudication with its whole charge in payer A/R', () => {
      const claim = claimAfter(submitted());
      expect(claim).toMatchObject({
        claimId: CLAIM_ID,
        status: 'submitted',
        frequencyCode: '1',
        submissionCount: 1,
        firstSubmittedAt: '2025-03-15T09:00:00Z',
        remittances: [],
      });
      expect(adjudications(claim)).toEqual(['pending', 'pending', 'pending']);
      expect(claim.money).toEqual({ ...NO_MONEY, chargesCents: TOTAL_CHARGE_CENTS });
      expect(balances(claim)).toMatchObject({ payerBalanceCents: TOTAL_CHARGE_CENTS, patientBalanceCents: 0, balanceCents: TOTAL_CHARGE_CENTS });
    });

    it('events before the submission fold to no claim', () => {
      expect(foldClaim([rejected(), denied(), patientPaid()])).toBeNull();
    });

    it.each(ALL_STATUSES)('the fixture events bring the claim to %s', (status) => {
      expect(claimAfter(...CLAIM_IN[status]).status).toBe(status);
    });
  });

  it('a rejection moves no money', () => {
    const claim = claimAfter(submitted(), rejected());
    expect(claim.status).toBe('rejected');
    expect(claim.money).toEqual(claimAfter(submitted()).money);
  });

  describe('denials', () => {
    it('a whole-claim denial denies every line: denied, no money moved, recorded as a denial', () => {
      const claim = claimAfter(submitted(), denied());
      expect(claim.status).toBe('denied');
      expect(adjudications(claim)).toEqual(['denied', 'denied', 'denied']);
      expect(claim.money).toEqual(claimAfter(submitted()).money);
      expect(claim.remittances).toEqual([
        { remittanceId: 'era-denial-1', kind: 'denial', lineNumbers: [1, 2, 3], payerPaidCents: 0, contractualAdjustmentCents: 0, patientResponsibilityCents: 0, reversed: false },
      ]);
    });

    it('denying some lines leaves the claim submitted', () => {
      const claim = claimAfter(submitted(), linesDenied([2]));
      expect(claim.status).toBe('submitted');
      expect(adjudications(claim)).toEqual(['pending', 'denied', 'pending']);
    });

    it('line denials that together cover every line make it denied', () => {
      const claim = claimAfter(submitted(), linesDenied([2]), linesDenied([1, 3]));
      expect(claim.status).toBe('denied');
      expect(balances(claim).payerBalanceCents).toBe(TOTAL_CHARGE_CENTS);
    });

    it('a whole-claim denial of a partially paid claim denies only the open lines: it stays partially paid', () => {
      const claim = claimAfter(submitted(), line1Paid, denied({ remittanceId: 'era-denial-2' }));
      expect(claim.status).toBe('partially_paid');
      expect(adjudications(claim)).toEqual(['paid', 'denied', 'denied']);
      expect(claim.remittances[1]?.lineNumbers).toEqual([2, 3]);
      expect(claim.money).toEqual(claimAfter(submitted(), line1Paid).money);
    });
  });

  describe('remittances', () => {
    it('payer settled, patient owes → paid', () => {
      const claim = claimAfter(submitted(), remitted());
      expect(claim.status).toBe('paid');
      expect(adjudications(claim)).toEqual(['paid', 'paid', 'paid']);
      expect(balances(claim)).toEqual({
        chargesCents: 40_000,
        payerPaidCents: 24_000,
        contractualAdjustmentCents: 12_000,
        patientResponsibilityCents: 4_000,
        patientPaidCents: 0,
        writeOffCents: 0,
        payerBalanceCents: 0,
        patientBalanceCents: 4_000,
        balanceCents: 4_000,
      });
    });

    it('nothing owed by anyone → closed', () => {
      const lines = [remittanceLine(1, 11_000, co('45', 4_000)), remittanceLine(2, 5_000, co('45', 2_500)), remittanceLine(3, 12_000, co('45', 5_500))];
      const claim = claimAfter(submitted(), remitted({ lines }));
      expect(claim.status).toBe('closed');
      expect(balances(claim)).toMatchObject({ payerPaidCents: 28_000, contractualAdjustmentCents: 12_000, balanceCents: 0 });
    });

    it('some lines still open with the payer → partially paid', () => {
      const claim = claimAfter(submitted(), line1Paid);
      expect(claim.status).toBe('partially_paid');
      expect(adjudications(claim)).toEqual(['paid', 'pending', 'pending']);
      expect(balances(claim)).toMatchObject({ payerBalanceCents: 25_000, patientBalanceCents: 3_000, balanceCents: 28_000 });
    });

    it('the rest paid later → paid', () => {
      const rest = remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000)), remittanceLine(3, 12_000, co('45', 5_500))] });
      const claim = claimAfter(submitted(), line1Paid, rest);
      expect(claim.status).toBe('paid');
      expect(claim.money).toEqual(claimAfter(submitted(), remitted()).money);
    });

    it('a denied claim paid on appeal → paid', () => {
      const claim = claimAfter(submitted(), denied(), remitted());
      expect(claim.status).toBe('paid');
      expect(adjudications(claim)).toEqual(['paid', 'paid', 'paid']);
    });

    it('claim-level adjustments count: contractual (CO/OA) and patient responsibility (PR)', () => {
      const claim = claimAfter(submitted(), remitted({ adjustments: [co('45', 500), pr('1', 1_000)] }));
      expect(balances(claim)).toMatchObject({
        payerPaidCents: 22_500,
        contractualAdjustmentCents: 12_500,
        patientResponsibilityCents: 5_000,
        payerBalanceCents: 0,
        patientBalanceCents: 5_000,
      });
    });
  });

  describe('reversal', () => {
    it('takes back exactly what the remittance moved and returns the claim to submitted', () => {
      const claim = claimAfter(submitted(), remitted(), reversed());
      expect(claim.status).toBe('submitted');
      expect(adjudications(claim)).toEqual(['pending', 'pending', 'pending']);
      expect(claim.money).toEqual(claimAfter(submitted()).money);
      expect(claim.remittances).toMatchObject([{ remittanceId: 'era-1', kind: 'payment', reversed: true, payerPaidCents: 24_000 }]);
    });

    it('takes back one remittance of two, leaving the other standing', () => {
      const rest = remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 7_500), remittanceLine(3, 17_500)] });
      const claim = claimAfter(submitted(), line1Paid, rest, reversed({ remittanceId: 'era-2' }));
      expect(claim.status).toBe('submitted');
      expect(adjudications(claim)).toEqual(['paid', 'pending', 'pending']);
      expect(claim.money).toEqual(claimAfter(submitted(), line1Paid).money);
    });

    it('after a patient payment, the patient is left with a credit', () => {
      const claim = claimAfter(...CLAIM_IN.closed, reversed());
      expect(balances(claim)).toMatchObject({ payerBalanceCents: TOTAL_CHARGE_CENTS, patientPaidCents: 4_000, patientBalanceCents: -4_000, balanceCents: 36_000 });
    });

    it('an unknown remittance id changes nothing', () => {
      const before = claimAfter(submitted(), remitted());
      expect(evolveClaim(before, reversed({ remittanceId: 'era-unknown' }))).toEqual(before);
    });
  });

  describe('write-offs', () => {
    it('writing off the rest of the patient balance closes the claim', () => {
      const claim = claimAfter(submitted(), remitted(), writtenOff({ amountCents: 4_000 }));
      expect(claim.status).toBe('closed');
      expect(balances(claim)).toMatchObject({ writeOffCents: 4_000, balanceCents: 0 });
      expect(claim.money.patientWriteOffCents).toBe(4_000);
    });

    it('writing off the whole payer balance of an unadjudicated claim closes it', () => {
      const claim = claimAfter(submitted(), writtenOff({ from: 'payer', amountCents: TOTAL_CHARGE_CENTS, reason: 'timely_filing' }));
      expect(claim.status).toBe('closed');
      expect(claim.money.payerWriteOffCents).toBe(TOTAL_CHARGE_CENTS);
    });

    it('a partial write-off keeps the status', () => {
      expect(claimAfter(submitted(), remitted(), writtenOff()).status).toBe('paid');
      expect(claimAfter(submitted(), line1Paid, writtenOff()).status).toBe('partially_paid');
      expect(claimAfter(submitted(), denied(), writtenOff({ from: 'payer' })).status).toBe('denied');
    });

    it('writing off the rest of the payer balance of a partially paid claim makes it paid', () => {
      const claim = claimAfter(submitted(), line1Paid, writtenOff({ from: 'payer', amountCents: 25_000, reason: 'administrative' }));
      expect(claim.status).toBe('paid');
      expect(balances(claim)).toMatchObject({ payerBalanceCents: 0, patientBalanceCents: 3_000 });
    });
  });

  describe('void', () => {
    it('takes the claim out of A/R: every figure is zero, frequency 8', () => {
      const claim = claimAfter(submitted(), denied(), writtenOff({ from: 'payer', amountCents: 5_000 }), voided());
      expect(claim.status).toBe('voided');
      expect(claim.frequencyCode).toBe('8');
      expect(claim.money).toEqual(NO_MONEY);
      expect(Object.values(balances(claim)).every((cents) => cents === 0)).toBe(true);
    });
  });

  describe('patient money', () => {
    it('a payment of the whole patient balance closes a paid claim', () => {
      const claim = claimAfter(submitted(), remitted(), patientPaid());
      expect(claim.status).toBe('closed');
      expect(balances(claim)).toMatchObject({ patientPaidCents: 4_000, balanceCents: 0 });
    });

    it('a partial payment keeps the claim paid', () => {
      const claim = claimAfter(submitted(), remitted(), patientPaid({ amountCents: 1_500, allocations: [{ claimId: CLAIM_ID, amountCents: 1_500 }] }));
      expect(claim.status).toBe('paid');
      expect(balances(claim).patientBalanceCents).toBe(2_500);
    });

    it("only the part allocated to this claim counts", () => {
      const payment = patientPaid({ amountCents: 9_000, allocations: [{ claimId: OTHER_CLAIM_ID, amountCents: 5_000 }, { claimId: CLAIM_ID, amountCents: 1_000 }] });
      expect(claimAfter(submitted(), remitted(), payment).money.patientPaidCents).toBe(1_000);
      const elsewhere = patientPaid({ allocations: [{ claimId: OTHER_CLAIM_ID, amountCents: 4_000 }] });
      expect(claimAfter(submitted(), remitted(), elsewhere)).toEqual(claimAfter(submitted(), remitted()));
    });

    it('a refund from the claim takes the patient payment back', () => {
      const claim = claimAfter(...CLAIM_IN.closed, reversed(), refunded({ amountCents: 1_500 }));
      expect(balances(claim)).toMatchObject({ patientPaidCents: 2_500, patientBalanceCents: -2_500 });
    });

    it('a refund for another claim or from unallocated credit changes nothing', () => {
      const before = claimAfter(...CLAIM_IN.closed, reversed());
      expect(evolveClaim(before, refunded({ claimId: OTHER_CLAIM_ID }))).toEqual(before);
      expect(evolveClaim(before, refundedFromCredit())).toEqual(before);
    });

    // A two-line claim ($225). The patient paid the $30 copay, the payer took its remittance back
    // (payer balance $225, a $30 patient credit), the practice wrote off $195 of the payer balance:
    // whole balance 0 → closed. Refunding the $30 moves money again and must reopen the claim.
    it('a closed claim has a zero balance, even after a refund', () => {
      const twoLines = submitted({ lines: [officeVisit(), ecg()] });
      const copayOnly = remitted({ lines: [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000))] });
      const copay = patientPaid({ amountCents: 3_000, allocations: [{ claimId: CLAIM_ID, amountCents: 3_000 }] });
      const writeOff = writtenOff({ from: 'payer', amountCents: 19_500, reason: 'administrative' });
      const claim = claimAfter(twoLines, copayOnly, copay, reversed(), writeOff, refunded({ amountCents: 3_000 }));
      expect(balances(claim)).toMatchObject({ payerBalanceCents: 3_000, patientBalanceCents: 0, balanceCents: 3_000 });
      expect(claim.status).not.toBe('closed');
    });

    // The same closed claim (payer owes $30, a $30 patient credit): writing off the payer's $30 leaves
    // balance −$30, which reopens it.
    it('a closed claim has a zero balance, even after a write-off', () => {
      const twoLines = submitted({ lines: [officeVisit(), ecg()] });
      const copayOnly = remitted({ lines: [remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000))] });
      const copay = patientPaid({ amountCents: 3_000, allocations: [{ claimId: CLAIM_ID, amountCents: 3_000 }] });
      const closing = writtenOff({ from: 'payer', amountCents: 19_500, reason: 'administrative' });
      const claim = claimAfter(twoLines, copayOnly, copay, reversed(), closing, writtenOff({ from: 'payer', amountCents: 3_000, reason: 'small_balance' }));
      expect(balances(claim)).toMatchObject({ payerBalanceCents: 0, patientBalanceCents: -3_000, balanceCents: -3_000 });
      expect(claim.status).not.toBe('closed');
    });
  });

  describe('correction and resubmission', () => {
    it('a correction replacing the lines recomputes the charges and reopens every line', () => {
      const lines = [officeVisit({ chargeCents: 16_000, modifiers: [] }), ecg()];
      const claim = claimAfter(submitted(), denied(), corrected({ lines, diagnoses: ['E11.65', 'I10'] }));
      expect(claim.status).toBe('corrected');
      expect(claim.money.chargesCents).toBe(23_500);
      expect(claim.diagnoses).toEqual(['E11.65', 'I10']);
      expect(claim.lines).toEqual(lines.map((line) => ({ ...line, adjudication: 'pending' })));
      expect(balances(claim).payerBalanceCents).toBe(23_500);
    });

    it('a correction without lines keeps lines, diagnoses and charges', () => {
      const before = claimAfter(submitted(), denied());
      const claim = claimAfter(submitted(), denied(), corrected());
      expect(claim.status).toBe('corrected');
      expect(claim.lines).toEqual(before.lines);
      expect(claim.diagnoses).toEqual(before.diagnoses);
      expect(claim.money).toEqual(before.money);
    });

    it('a resubmission counts the submission, sends frequency 7 and resets line adjudication', () => {
      const claim = claimAfter(submitted(), denied(), corrected(), resubmitted());
      expect(claim).toMatchObject({ status: 'submitted', frequencyCode: '7', submissionCount: 2, firstSubmittedAt: '2025-03-15T09:00:00Z' });
      expect(adjudications(claim)).toEqual(['pending', 'pending', 'pending']);
    });

    it('a second round counts again', () => {
      const claim = claimAfter(submitted(), denied(), corrected(), resubmitted(), rejected(), corrected(), resubmitted());
      expect(claim.submissionCount).toBe(3);
    });
  });

  it('does not mutate the state it is given', () => {
    const before = claimAfter(submitted(), line1Paid);
    const snapshot = structuredClone(before);
    for (const event of [denied(), remitted({ remittanceId: 'era-2' }), reversed(), writtenOff(), voided(), patientPaid(), refunded(), corrected({ lines: [officeVisit()] }), resubmitted()]) {
      evolveClaim(before, event);
    }
    expect(before).toEqual(snapshot);
  });
});

describe('balancesOf', () => {
  const money: ClaimMoney = {
    chargesCents: 40_000,
    payerPaidCents: 20_000,
    contractualAdjustmentCents: 9_000,
    patientResponsibilityCents: 6_000,
    patientPaidCents: 2_500,
    payerWriteOffCents: 1_000,
    patientWriteOffCents: 500,
  };

  it('derives payer, patient and whole balances as DESIGN.md defines them', () => {
    expect(balancesOf(money)).toEqual({
      chargesCents: 40_000,
      payerPaidCents: 20_000,
      contractualAdjustmentCents: 9_000,
      patientResponsibilityCents: 6_000,
      patientPaidCents: 2_500,
      writeOffCents: 1_500,
      payerBalanceCents: 40_000 - 20_000 - 9_000 - 6_000 - 1_000,
      patientBalanceCents: 6_000 - 2_500 - 500,
      balanceCents: 4_000 + 3_000,
    });
  });
});

describe('helpers', () => {
  it('openLineNumbers: lines not paid in the current submission (denied lines are open)', () => {
    expect(openLineNumbers(claimAfter(submitted(), line1Paid, linesDenied([2])))).toEqual([2, 3]);
  });

  it('touchesClaim: a payment allocated to the claim, a refund naming it', () => {
    expect(touchesClaim(patientPaid(), CLAIM_ID)).toBe(true);
    expect(touchesClaim(patientPaid({ allocations: [] }), CLAIM_ID)).toBe(false);
    expect(touchesClaim(refunded(), CLAIM_ID)).toBe(true);
    expect(touchesClaim(refunded({ claimId: OTHER_CLAIM_ID }), CLAIM_ID)).toBe(false);
    expect(touchesClaim(refundedFromCredit(), CLAIM_ID)).toBe(false);
  });

  it('streams are named claim-<id>', () => {
    expect(claimStreamId('clm-9')).toBe('claim-clm-9');
  });
});
