import assert from 'node:assert/strict';
import { InvalidInput } from '../common/errors';
import type { Position } from './event-store';

/** SQLite rowids and EventStoreDB commit positions both fit in a signed 64-bit integer. */
export const POSITION_MAX: Position = 2n ** 63n - 1n;

const CANONICAL_POSITION = /^(0|[1-9][0-9]*)$/;

/** Positions travel as decimal strings (JSON has no bigint, and cursors must not lose digits). */
export function positionToString(p: Position): string {
  assert.equal(typeof p, 'bigint', 'a position is a bigint');
  assert.ok(p >= 0n && p <= POSITION_MAX, `position out of range: ${p}`);
  return p.toString(10);
}

/** Parses a position from the outside (query string, cursor, CLI flag). */
export function parsePosition(s: string): Position {
  // Checked at run time too: the value often comes straight from an untyped query string.
  if (typeof s !== 'string' || !CANONICAL_POSITION.test(s)) {
    throw new InvalidInput('position must be a non-negative integer', [
      { field: 'position', message: 'must be a non-negative integer without sign or leading zeros' },
    ]);
  }
  const p = BigInt(s);
  if (p > POSITION_MAX) {
    throw new InvalidInput('position is out of range', [{ field: 'position', message: `must be at most ${POSITION_MAX}` }]);
  }
  return p;
}
