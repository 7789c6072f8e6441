/**
 * Typed errors the domain and the edges throw. The problem-details filter maps each class to
 * one HTTP status; nothing else decides a status code.
 */

/** A broken business rule (HTTP 422). `code` is a stable SCREAMING_SNAKE identifier. */
export class RuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/** An id (encounter, claim, payment, refund, remittance) that is already taken (HTTP 409). */
export class DuplicateId extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DuplicateId';
  }
}

/** The stream moved on between read and append (HTTP 409). */
export class ConcurrencyConflict extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`stream ${streamId} is at revision ${actual}, expected ${expected}`);
    this.name = 'ConcurrencyConflict';
  }
}

/** An unknown id (HTTP 404). */
export class NotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFound';
  }
}

/** `If-Match` names a revision the claim is no longer at (HTTP 412). */
export class PreconditionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionFailed';
  }
}

/** Input that is malformed or carries invalid codes (HTTP 400). */
export class InvalidInput extends Error {
  constructor(
    message: string,
    readonly errors: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'InvalidInput';
  }
}

/** No credential, or one the ledger does not know (HTTP 401). */
export class Unauthenticated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** A known caller whose role does not allow this (HTTP 403). */
export class Forbidden extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Forbidden';
  }
}
