import { PATIENT_ID } from '../../claims/claim-fixtures';
import { NotFound, RuleViolation } from '../../common/errors';
import { activePlacementOf } from '../patient-account';
import { givenAccount, placed, recalled, statementIssued } from '../../../test/patient-billing/fixtures';
import { recallFromCollections, type RecallFromCollections } from './recall-from-collections';

const command = (overrides: Partial<RecallFromCollections> = {}): RecallFromCollections => ({
  patientId: PATIENT_ID,
  placementId: 'plc-1',
  reason: 'patient disputes the balance',
  recalledAt: '2025-10-15T09:00:00Z',
  ...overrides,
});

describe('recallFromCollections', () => {
  it('takes the placement back from its agency', () => {
    givenAccount(statementIssued(), placed()).when((account) => recallFromCollections(command(), account)).then([recalled()]);
  });

  it('after the recall the claim is the practice’s again', () => {
    const { state } = givenAccount(statementIssued(), placed(), recalled());
    expect(activePlacementOf(state, placed().data.claims[0]!.claimId)).toBeUndefined();
    expect(state.placements[0]?.recalledAt).toBe('2025-10-15T09:00:00Z');
  });

  it('404 for a placement the patient does not have', () => {
    givenAccount(statementIssued()).when((account) => recallFromCollections(command(), account)).thenThrows(NotFound);
  });

  it('422 ALREADY_RECALLED for a placement recalled before', () => {
    givenAccount(statementIssued(), placed(), recalled()).when((account) => recallFromCollections(command(), account)).thenThrows(RuleViolation, 'ALREADY_RECALLED');
  });
});
