import assert from 'node:assert/strict';
import type { ExpectedRevision } from './event-store';

/** Programmer error (crashes loudly): not one of the four forms the port allows. */
export function assertExpected(expected: ExpectedRevision): void {
  assert.ok(
    expected === 'any' ||
      expected === 'no_stream' ||
      expected === 'exists' ||
      (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0),
    `expected revision must be 'any', 'no_stream', 'exists' or a revision >= 0, got ${String(expected)}`,
  );
}

/** Whether a stream at `current` (-1: no stream) is where the caller expected it. */
export function matchesExpected(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'exists':
      return current >= 0;
    default:
      return current === expected;
  }
}
