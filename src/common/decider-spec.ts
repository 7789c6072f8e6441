/**
 * Given/when/then for deciders, used only by specs (STYLE.md §6):
 *
 *   given(evolveClaim, initialClaimState, [submitted(), denied()])
 *     .when((claim) => correctClaim(command, claim))
 *     .then([corrected()]);
 *
 *   given(evolveClaim, initialClaimState, [submitted(), voided()])
 *     .when((claim) => postWriteOff(command, claim))
 *     .thenThrows(RuleViolation, 'CLAIM_VOIDED');
 *
 * `when` also checks that deciding left the given state untouched: a decider is pure.
 */
import { expect } from '@jest/globals';

/** Any error class; abstract so that base classes can be named too. */
export type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface Then<R> {
  /** The decider returned exactly `expected` (strict deep equality: no stray `undefined` fields). */
  then(expected: R): void;
  /**
   * The decider threw an instance of `errorClass`; when `code` is given, the error carries that
   * `code` (RuleViolation, DuplicateId). Returns the error for further checks (e.g. InvalidInput's fields).
   */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, code?: string): E;
}

export interface Given<S> {
  /** The state the given events fold to. */
  readonly state: S;
  when<R>(decide: (state: S) => R): Then<R>;
}

export const fold = <S, E>(evolve: (state: S, event: E) => S, initialState: S, events: readonly E[]): S =>
  events.reduce(evolve, initialState);

type Outcome<R> = { returned: true; value: R } | { returned: false; error: unknown };

export const given = <S, E>(evolve: (state: S, event: E) => S, initialState: S, events: readonly E[]): Given<S> => {
  const state = fold(evolve, initialState, events);
  return {
    state,
    when<R>(decide: (state: S) => R): Then<R> {
      const before = structuredClone(state);
      let outcome: Outcome<R>;
      try {
        outcome = { returned: true, value: decide(state) };
      } catch (error) {
        outcome = { returned: false, error };
      }
      // structuredClone builds objects of the host realm, which toStrictEqual tells apart; toEqual does not.
      expect(state).toEqual(before);
      return {
        then(expected: R): void {
          if (!outcome.returned) throw outcome.error;
          expect(outcome.value).toStrictEqual(expected);
        },
        thenThrows<X extends Error>(errorClass: ErrorClass<X>, code?: string): X {
          if (outcome.returned) {
            throw new Error(`expected ${errorClass.name}${code ? ` ${code}` : ''}, but the decider returned ${JSON.stringify(outcome.value)}`);
          }
          const error = outcome.error;
          expect(error).toBeInstanceOf(errorClass);
          if (code !== undefined) expect(error).toHaveProperty('code', code);
          return error as X;
        },
      };
    },
  };
};
