import type { ReplayCutoff } from '../claims/claim-repository';
import { isIsoDate, isIsoInstant } from './dates';
import { InvalidInput } from './errors';

export const parseLimit = (value: string | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > max) {
    throw new InvalidInput(`limit must be a whole number from 1 to ${max}`, [{ field: 'limit', message: `1..${max}` }]);
  }
  return limit;
};

/** `asOf` is an ISO instant (a bare date means the end of that day, UTC); `position` a global position. */
export const parseCutoff = (asOf: string | undefined, position: string | undefined): (ReplayCutoff & { asOf?: string }) | undefined => {
  if (asOf === undefined && position === undefined) return undefined;
  const cutoff: ReplayCutoff & { asOf?: string } = {};
  if (asOf !== undefined) {
    if (isIsoDate(asOf)) cutoff.recordedAt = `${asOf}T23:59:59.999Z`;
    else if (isIsoInstant(asOf)) cutoff.recordedAt = asOf;
    else throw new InvalidInput('asOf must be an ISO 8601 date or instant', [{ field: 'asOf', message: 'e.g. 2026-03-31 or 2026-03-31T12:00:00Z' }]);
    cutoff.asOf = new Date(cutoff.recordedAt).toISOString();
  }
  if (position !== undefined) {
    if (!/^\d{1,19}$/.test(position)) throw new InvalidInput('position must be a non-negative integer', [{ field: 'position', message: 'digits' }]);
    cutoff.position = BigInt(position);
  }
  return cutoff;
};

export const parseCursor = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new InvalidInput('cursor is not one this API gave out', [{ field: 'cursor', message: 'opaque' }]);
  return cursor;
};
