import { DuplicateId, InvalidInput, NotFound, RuleViolation } from '../../common/errors';
import type { Adjustment, RemittanceLine } from '../claim';
import {
  CLAIM_ID,
  CLAIM_IN,
  co,
  denied,
  givenClaim,
  linesDenied,
  pr,
  remittanceLine,
  remitted,
  STANDARD_REMITTANCE_LINES,
  statusesOtherThan,
  submitted,
  writtenOff,
} from '../claim-fixtures';
import { postRemittance, type PostRemittance } from './post-remittance';

/** The standard adjudication of all three lines: paid $240, CO-45 $120, PR $40. */
const command = (overrides: Partial<PostRemittance> = {}): PostRemittance => ({
  claimId: CLAIM_ID,
  remittanceId: 'era-1',
  paidCents: 24_000,
  lines: STANDARD_REMITTANCE_LINES.map((line) => ({ ...line, adjustments: [...line.adjustments] })),
  receivedAt: '2025-04-10T00:00:00Z',
  ...overrides,
});

/** Pays the ECG (line 2, $75) only. */
const ecgOnly = (overrides: Partial<PostRemittance> = {}): PostRemittance =>
  command({ remittanceId: 'era-2', paidCents: 4_000, lines: [remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000))], ...overrides });

const onSubmitted = (cmd: PostRemittance) => givenClaim([submitted()]).when((claim) => postRemittance(cmd, claim));

const expectInvalid = (cmd: PostRemittance, field?: string): void => {
  const error = onSubmitted(cmd).thenThrows(InvalidInput);
  if (field !== undefined) expect(error.errors.map((e) => e.field)).toContain(field);
};

const withLine1 = (line: Partial<RemittanceLine>): Partial<PostRemittance> => ({
  lines: [{ ...remittanceLine(1, 8_000, co('45', 4_000), pr('3', 3_000)), ...line }],
  paidCents: line.paidCents ?? 8_000,
});

describe('postRemittance', () => {
  it('posts a remittance that balances on every line', () => {
    onSubmitted(command()).then([remitted()]);
  });

  it('posts a remittance for some lines only', () => {
    onSubmitted(ecgOnly()).then([remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000))] })]);
  });

  it('pays the lines still open on a partially paid claim', () => {
    givenClaim(CLAIM_IN.partially_paid)
      .when((claim) => postRemittance(ecgOnly(), claim))
      .then([remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000))] })]);
  });

  it('pays a denied claim on appeal', () => {
    givenClaim([submitted(), denied()]).when((claim) => postRemittance(command({ remittanceId: 'era-appeal' }), claim)).then([remitted({ remittanceId: 'era-appeal' })]);
  });

  it('pays a denied line on a claim still awaiting the rest', () => {
    givenClaim([submitted(), linesDenied([2])]).when((claim) => postRemittance(ecgOnly(), claim)).then([
      remitted({ remittanceId: 'era-2', lines: [remittanceLine(2, 4_000, co('45', 2_500), pr('2', 1_000))] }),
    ]);
  });

  it('keeps the control number, remark codes and claim-level adjustments: paid = Σ line paid − Σ claim-level adjustments', () => {
    // A $5 claim-level reduction (CO-45) and a $2 negative adjustment (an 835 may carry one).
    const adjustments: Adjustment[] = [co('45', 500), { group: 'OA', reason: '94', amountCents: -200 }];
    const extras = { payerClaimControlNumber: '2025099000123', remarks: ['N130', 'MA130'], adjustments };
    onSubmitted(command({ ...extras, paidCents: 24_000 - 300 })).then([remitted(extras)]);
  });

  it('accepts a line paid in full and a line adjusted away (paid 0)', () => {
    const lines = [remittanceLine(1, 15_000), remittanceLine(2, 0, co('45', 7_500)), remittanceLine(3, 17_500)];
    onSubmitted(command({ lines, paidCents: 32_500 })).then([remitted({ lines })]);
  });

  it('404 for an unknown claim', () => {
    givenClaim([]).when((claim) => postRemittance(command(), claim)).thenThrows(NotFound);
  });

  it.each(statusesOtherThan('submitted', 'partially_paid', 'denied'))('422 INVALID_CLAIM_STATUS for a %s claim', (status) => {
    givenClaim(CLAIM_IN[status]).when((claim) => postRemittance(command({ remittanceId: 'era-new' }), claim)).thenThrows(RuleViolation, 'INVALID_CLAIM_STATUS');
  });

  it('422 CLAIM_VOIDED for a voided claim', () => {
    givenClaim(CLAIM_IN.voided).when((claim) => postRemittance(command(), claim)).thenThrows(RuleViolation, 'CLAIM_VOIDED');
  });

  it('409 DUPLICATE_REMITTANCE when a payment already used the id', () => {
    givenClaim(CLAIM_IN.partially_paid).when((claim) => postRemittance(ecgOnly({ remittanceId: 'era-1' }), claim)).thenThrows(DuplicateId, 'DUPLICATE_REMITTANCE');
  });

  it('409 DUPLICATE_REMITTANCE when a denial already used the id', () => {
    givenClaim([submitted(), linesDenied([3])])
      .when((claim) => postRemittance(ecgOnly({ remittanceId: 'era-denial-lines-3' }), claim))
      .thenThrows(DuplicateId, 'DUPLICATE_REMITTANCE');
  });

  // The duplicate check comes before the status check: a retried remittance is a 409 even after it settled the claim.
  it('409 DUPLICATE_REMITTANCE when the same remittance arrives again after it settled the claim', () => {
    givenClaim(CLAIM_IN.paid).when((claim) => postRemittance(command(), claim)).thenThrows(DuplicateId, 'DUPLICATE_REMITTANCE');
  });

  describe('400 on malformed input', () => {
    it('no line', () => expectInvalid(command({ lines: [], paidCents: 0 }), 'lines'));
    it.each([-1, 10.5])('a line paid %p', (paidCents) => expectInvalid(command(withLine1({ paidCents }))));
    it.each(['XX', 'pr', ''])('a line adjustment group %j', (group) =>
      expectInvalid(command(withLine1({ adjustments: [{ group: group as Adjustment['group'], reason: '45', amountCents: 7_000 }] })), 'lines[0].adjustments[0].group'),
    );
    it.each(['4500', '', '45 '])('a line CARC %j', (reason) =>
      expectInvalid(command(withLine1({ adjustments: [co(reason, 7_000)] })), 'lines[0].adjustments[0].reason'),
    );
    it('a line adjustment in fractional cents', () =>
      expectInvalid(command(withLine1({ adjustments: [co('45', 6_999.5), pr('3', 0.5)] })), 'lines[0].adjustments[0].amountCents'),
    );
    it('a claim-level adjustment group', () =>
      expectInvalid(command({ adjustments: [{ group: 'ZZ' as Adjustment['group'], reason: '45', amountCents: 100 }], paidCents: 23_900 }), 'adjustments[0].group'),
    );
    it('a claim-level CARC', () => expectInvalid(command({ adjustments: [co('ABCD', 100)], paidCents: 23_900 }), 'adjustments[0].reason'));
    it.each(['MA', '130', 'N130.1'])('a RARC %j', (remark) => expectInvalid(command({ remarks: ['N130', remark] }), 'remarks[1]'));
    it.each([-1, 24_000.5])('paidCents %p', (paidCents) => expectInvalid(command({ paidCents })));
    it('a line listed twice', () => expectInvalid(command({ lines: [...STANDARD_REMITTANCE_LINES, remittanceLine(3, 17_500)], paidCents: 41_500 })));
  });

  it('422 UNKNOWN_LINE for a line the claim does not have', () => {
    onSubmitted(command({ lines: [remittanceLine(4, 1_000)], paidCents: 1_000 })).thenThrows(RuleViolation, 'UNKNOWN_LINE');
  });

  it('422 LINE_ALREADY_PAID for a line paid by a standing remittance', () => {
    givenClaim(CLAIM_IN.partially_paid)
      .when((claim) => postRemittance(command({ remittanceId: 'era-2' }), claim))
      .thenThrows(RuleViolation, 'LINE_ALREADY_PAID');
  });

  describe('422 REMITTANCE_LINE_UNBALANCED: line charge = paid + Σ adjustments', () => {
    it('a cent short', () => {
      onSubmitted(command(withLine1({ adjustments: [co('45', 4_000), pr('3', 2_999)] }))).thenThrows(RuleViolation, 'REMITTANCE_LINE_UNBALANCED');
    });
    it('a cent over', () => {
      onSubmitted(command(withLine1({ paidCents: 8_001 }))).thenThrows(RuleViolation, 'REMITTANCE_LINE_UNBALANCED');
    });
  });

  describe('422 REMITTANCE_UNBALANCED: paid = Σ line paid − Σ claim-level adjustments', () => {
    it('paid differs from the lines', () => {
      onSubmitted(command({ paidCents: 23_999 })).thenThrows(RuleViolation, 'REMITTANCE_UNBALANCED');
    });
    it('a claim-level adjustment not taken off the payment', () => {
      onSubmitted(command({ adjustments: [co('45', 500)], paidCents: 24_000 })).thenThrows(RuleViolation, 'REMITTANCE_UNBALANCED');
    });
  });

  // A payer write-off taken before adjudication already resolved part of the charge; a remittance of
  // the full charge on top would take payer A/R below zero.
  it('422 when the remittance would take the payer balance below zero (a payer write-off already took part of it)', () => {
    givenClaim([submitted(), writtenOff({ from: 'payer', amountCents: 5_000, reason: 'timely_filing' })])
      .when((claim) => postRemittance(command(), claim))
      .thenThrows(RuleViolation, 'REMITTANCE_EXCEEDS_PAYER_BALANCE');
  });
});
