import { DuplicateId, InvalidInput, NotFound, RuleViolation } from '../../common/errors';
import type { Adjustment } from '../claim';
import {
  CLAIM_ID,
  CLAIM_IN,
  claimAfter,
  co,
  denied,
  givenClaim,
  linesDenied,
  remitted,
  statusesOtherThan,
  submitted,
  TOTAL_CHARGE_CENTS,
} from '../claim-fixtures';
import { given } from '../../common/decider-spec';
import { evolveClaim } from '../claim';
import { receiveDenial, type ReceiveDenial } from './receive-denial';

/** A whole-claim denial: CO-16 (claim lacks information) with remark MA130. */
const command = (overrides: Partial<ReceiveDenial> = {}): ReceiveDenial => ({
  claimId: CLAIM_ID,
  remittanceId: 'era-denial-1',
  adjustments: [co('16', TOTAL_CHARGE_CENTS)],
  remarks: ['MA130'],
  receivedAt: '2025-04-02T00:00:00Z',
  ...overrides,
});

const lineCommand = (lineNumbers: number[], overrides: Partial<ReceiveDenial> = {}): ReceiveDenial =>
  command({ remittanceId: `era-denial-lines-${lineNumbers.join('-')}`, lineNumbers, adjustments: [co('16', 7_500)], remarks: ['N130'], ...overrides });

const onSubmitted = (cmd: ReceiveDenial) => givenClaim([submitted()]).when((claim) => receiveDenial(cmd, claim));

const expectInvalid = (cmd: ReceiveDenial, field?: string): void => {
  const error = onSubmitted(cmd).thenThrows(InvalidInput);
  if (field !== undefined) expect(error.errors.map((e) => e.field)).toContain(field);
};

const adjustment = (overrides: Partial<Adjustment>): Adjustment => ({ ...co('16', 1_000), ...overrides });

describe('receiveDenial', () => {
  it('records a whole-claim denial (no line numbers) on a submitted claim', () => {
    onSubmitted(command()).then([denied()]);
  });

  it('records a denial of some lines, with the payer claim control number', () => {
    onSubmitted(lineCommand([2], { payerClaimControlNumber: '2025099000123' })).then([
      linesDenied([2], { payerClaimControlNumber: '2025099000123' }),
    ]);
  });

  it('denies a line still open on a partially paid claim', () => {
    givenClaim(CLAIM_IN.partially_paid).when((claim) => receiveDenial(lineCommand([2, 3]), claim)).then([linesDenied([2, 3])]);
  });

  it('denies a line denied before again (a denied line is still open)', () => {
    givenClaim([submitted(), linesDenied([2])])
      .when((claim) => receiveDenial(lineCommand([2], { remittanceId: 'era-denial-again' }), claim))
      .then([linesDenied([2], { remittanceId: 'era-denial-again' })]);
  });

  it('accepts a denial with no remark codes', () => {
    onSubmitted(command({ remarks: [] })).then([denied({ remarks: [] })]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => receiveDenial(command(), claim)).thenThrows(NotFound);
  });

  it.each(statusesOtherThan('submitted', 'partially_paid'))('422 INVALID_CLAIM_STATUS for a %s claim', (status) => {
    givenClaim(CLAIM_IN[status])
      .when((claim) => receiveDenial(command({ remittanceId: 'era-denial-new' }), claim))
      .thenThrows(RuleViolation, 'INVALID_CLAIM_STATUS');
  });

  it('422 CLAIM_VOIDED for a voided claim', () => {
    givenClaim(CLAIM_IN.voided).when((claim) => receiveDenial(command(), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  it('409 DUPLICATE_REMITTANCE when an earlier denial used the remittance id', () => {
    givenClaim([submitted(), linesDenied([2])])
      .when((claim) => receiveDenial(lineCommand([3], { remittanceId: 'era-denial-lines-2' }), claim))
      .thenThrows(DuplicateId, 'DUPLICATE_REMITTANCE');
  });

  it('409 DUPLICATE_REMITTANCE when an earlier payment used the remittance id', () => {
    givenClaim(CLAIM_IN.partially_paid)
      .when((claim) => receiveDenial(lineCommand([2], { remittanceId: 'era-1' }), claim))
      .thenThrows(DuplicateId, 'DUPLICATE_REMITTANCE');
  });

  // The duplicate check comes before the status check: a retried whole-claim denial is a 409, not a 422.
  it('409 DUPLICATE_REMITTANCE when the same whole-claim denial arrives twice', () => {
    givenClaim([submitted(), denied()]).when((claim) => receiveDenial(command(), claim)).thenThrows(DuplicateId, 'DUPLICATE_REMITTANCE');
  });

  describe('400 on malformed input', () => {
    it('no adjustment reason', () => expectInvalid(command({ adjustments: [] }), 'adjustments'));
    it.each(['XX', 'co', 'C0', ''])('adjustment group %j', (group) =>
      expectInvalid(command({ adjustments: [adjustment({ group: group as Adjustment['group'] })] }), 'adjustments[0].group'),
    );
    it.each(['1234', '4-5', '', 'a2'])('CARC %j', (reason) => expectInvalid(command({ adjustments: [adjustment({ reason })] }), 'adjustments[0].reason'));
    it.each([10.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2])('amount %p', (amountCents) =>
      expectInvalid(command({ adjustments: [adjustment({ amountCents })] }), 'adjustments[0].amountCents'),
    );
    it.each(['N', '130', 'N130A', 'ABC1', 'n130'])('RARC %j', (remark) => expectInvalid(command({ remarks: ['MA130', remark] }), 'remarks[1]'));
    it('an empty list of line numbers', () => expectInvalid(command({ lineNumbers: [] })));
    it('a line number listed twice', () => expectInvalid(lineCommand([2, 2])));
  });

  it('422 UNKNOWN_LINE for a line the claim does not have', () => {
    onSubmitted(lineCommand([2, 9])).thenThrows(RuleViolation, 'UNKNOWN_LINE');
  });

  it('422 LINE_ALREADY_PAID for a line paid by a standing remittance', () => {
    givenClaim(CLAIM_IN.partially_paid).when((claim) => receiveDenial(lineCommand([1, 2]), claim)).thenThrows(RuleViolation, 'LINE_ALREADY_PAID');
  });

  it('422 NO_OPEN_LINES for a whole-claim denial when every line is paid', () => {
    // Every line paid while still awaiting adjudication: not reachable through the fixtures' events, so the state is built.
    const everyLinePaid = { ...claimAfter(submitted(), remitted()), status: 'partially_paid' as const };
    given(evolveClaim, everyLinePaid, []).when((claim) => receiveDenial(command(), claim)).thenThrows(RuleViolation, 'NO_OPEN_LINES');
  });
});
