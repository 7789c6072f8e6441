import { CLAIM_ID, CLAIM_IN, claimAfter, OTHER_CLAIM_ID, PATIENT_ID, patientPaid } from '../../claims/claim-fixtures';
import type { Claim, ClaimFoldEvent } from '../../claims/claim';
import { DuplicateId, InvalidInput, RuleViolation } from '../../common/errors';
import { AGENCY, givenAccount, placed, planAgreed, planDefaulted, recalled, statementIssued } from '../../../test/patient-billing/fixtures';
import { placeWithCollections, type PlaceWithCollections } from './place-with-collections';

/** CLAIM_IN.paid: the patient owes $40. */
const paid = claimAfter(...CLAIM_IN.paid);
const claims = (...list: Claim[]): ReadonlyMap<string, Claim> => new Map(list.map((c) => [c.claimId, c]));

const command = (overrides: Partial<PlaceWithCollections> = {}): PlaceWithCollections => ({
  patientId: PATIENT_ID,
  placementId: 'plc-1',
  agency: AGENCY,
  claimIds: [CLAIM_ID],
  placedAt: '2025-10-01T09:00:00Z',
  ...overrides,
});

describe('placeWithCollections', () => {
  it("places a billed claim's patient balance with the agency", () => {
    givenAccount(statementIssued()).when((account) => placeWithCollections(command(), account, claims(paid))).then([placed()]);
  });

  it('places what is owed now, after partial payments', () => {
    const partlyPaid = claimAfter(...CLAIM_IN.paid, patientPaid({ amountCents: 1_500, allocations: [{ claimId: CLAIM_ID, amountCents: 1_500 }] }));
    givenAccount(statementIssued())
      .when((account) => placeWithCollections(command(), account, claims(partlyPaid)))
      .then([placed({ claims: [{ claimId: CLAIM_ID, amountCents: 2_500 }], placedCents: 2_500 })]);
  });

  it('a claim whose plan defaulted may be placed', () => {
    givenAccount(statementIssued(), planAgreed(), planDefaulted()).when((account) => placeWithCollections(command(), account, claims(paid))).then([placed()]);
  });

  it('a recalled claim may be placed again, with another placement', () => {
    givenAccount(statementIssued(), placed(), recalled())
      .when((account) => placeWithCollections(command({ placementId: 'plc-2', agency: 'Second Look Collections' }), account, claims(paid)))
      .then([placed({ placementId: 'plc-2', agency: 'Second Look Collections' })]);
  });

  it('409 DUPLICATE_PLACEMENT for a placement id already used', () => {
    givenAccount(statementIssued(), placed(), recalled()).when((account) => placeWithCollections(command(), account, claims(paid))).thenThrows(DuplicateId, 'DUPLICATE_PLACEMENT');
  });

  describe('422', () => {
    it('NOT_BILLED_TO_PATIENT: nobody hears of a debt first from a collector', () => {
      givenAccount().when((account) => placeWithCollections(command(), account, claims(paid))).thenThrows(RuleViolation, 'NOT_BILLED_TO_PATIENT');
    });

    it('a statement that listed the claim with nothing owed did not bill it', () => {
      const creditOnly = statementIssued({ claims: [{ ...statementIssued().data.claims[0]!, patientBalanceCents: -500 }] });
      givenAccount(creditOnly).when((account) => placeWithCollections(command(), account, claims(paid))).thenThrows(RuleViolation, 'NOT_BILLED_TO_PATIENT');
    });

    it('CLAIM_ON_CURRENT_PLAN: a balance being paid as agreed', () => {
      givenAccount(statementIssued(), planAgreed()).when((account) => placeWithCollections(command(), account, claims(paid))).thenThrows(RuleViolation, 'CLAIM_ON_CURRENT_PLAN');
    });

    it('CLAIM_PLACED_WITH_COLLECTIONS: a claim already placed', () => {
      givenAccount(statementIssued(), placed())
        .when((account) => placeWithCollections(command({ placementId: 'plc-2' }), account, claims(paid)))
        .thenThrows(RuleViolation, 'CLAIM_PLACED_WITH_COLLECTIONS');
    });

    it('NO_PATIENT_BALANCE: a claim paid off', () => {
      givenAccount(statementIssued()).when((account) => placeWithCollections(command(), account, claims(claimAfter(...CLAIM_IN.closed)))).thenThrows(RuleViolation, 'NO_PATIENT_BALANCE');
    });

    it('NOT_PATIENTS_CLAIM: a claim that is not this patient’s', () => {
      const other = claimAfter(...CLAIM_IN.paid.map((e) => ({ ...e, data: { ...e.data, claimId: OTHER_CLAIM_ID } }) as ClaimFoldEvent));
      givenAccount(statementIssued())
        .when((account) => placeWithCollections(command({ claimIds: [OTHER_CLAIM_ID] }), account, claims({ ...other, patientId: 'pat-9' })))
        .thenThrows(RuleViolation, 'NOT_PATIENTS_CLAIM');
    });
  });

  it.each([
    ['a blank agency', { agency: '   ' }, 'agency'],
    ['no claims', { claimIds: [] }, 'claimIds'],
  ])('400 for %s', (_, overrides, field) => {
    const error = givenAccount(statementIssued()).when((account) => placeWithCollections(command(overrides), account, claims(paid))).thenThrows(InvalidInput);
    expect(error.errors.map((e) => e.field)).toEqual([field]);
  });
});
