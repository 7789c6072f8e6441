import { given } from './decider-spec';
import { DuplicateId, InvalidInput, RuleViolation } from './errors';

// A toy counter decider: the helper itself must fail when the decider does not do what the spec says.
type Counted = { type: 'Counted'; by: number };
const evolve = (state: { total: number }, event: Counted) => ({ total: state.total + event.by });
const count = (by: number, state: { total: number }): Counted[] => {
  if (by <= 0) throw new InvalidInput('by must be positive', [{ field: 'by', message: 'positive' }]);
  if (state.total + by > 10) throw new RuleViolation('OVER_LIMIT', 'a counter stops at 10');
  return [{ type: 'Counted', by }];
};

describe('given/when/then', () => {
  it('folds the given events into the state', () => {
    expect(given(evolve, { total: 0 }, [{ type: 'Counted', by: 2 }, { type: 'Counted', by: 3 }]).state).toEqual({ total: 5 });
  });

  it('passes when the decider returns the expected events and fails when it does not', () => {
    const when = given(evolve, { total: 0 }, []).when((s) => count(2, s));
    when.then([{ type: 'Counted', by: 2 }]);
    expect(() => when.then([{ type: 'Counted', by: 3 }])).toThrow();
    expect(() => when.then([])).toThrow();
  });

  it('then rethrows an unexpected error', () => {
    expect(() => given(evolve, { total: 9 }, []).when((s) => count(2, s)).then([])).toThrow(RuleViolation);
  });

  it('thenThrows checks the class and the code, and returns the error', () => {
    const when = given(evolve, { total: 9 }, []).when((s) => count(2, s));
    expect(when.thenThrows(RuleViolation, 'OVER_LIMIT').code).toBe('OVER_LIMIT');
    expect(() => when.thenThrows(RuleViolation, 'ANOTHER_CODE')).toThrow();
    expect(() => when.thenThrows(DuplicateId)).toThrow();
    const invalid = given(evolve, { total: 0 }, []).when((s) => count(0, s)).thenThrows(InvalidInput);
    expect(invalid.errors).toEqual([{ field: 'by', message: 'positive' }]);
  });

  it('thenThrows fails when the decider returns', () => {
    expect(() => given(evolve, { total: 0 }, []).when((s) => count(1, s)).thenThrows(RuleViolation)).toThrow(/returned/);
  });

  it('fails when the decider changes the state it was given', () => {
    const mutating = (state: { total: number }): Counted[] => {
      state.total = 99;
      return [];
    };
    expect(() => given(evolve, { total: 1 }, []).when(mutating)).toThrow();
  });
});
