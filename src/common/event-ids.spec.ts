import { eventIdsFor, nameBasedUuid, timeOrderedUuid } from './event-ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('derives the same ids from the same Idempotency-Key, stream and index', () => {
    expect(eventIdsFor('key-1', 'claim-1', 2)).toEqual(eventIdsFor('key-1', 'claim-1', 2));
    expect(eventIdsFor('key-1', 'claim-1', 1)).not.toEqual(eventIdsFor('key-1', 'claim-2', 1));
    expect(nameBasedUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('makes time-ordered UUIDv7 ids without a key, carrying the millisecond', () => {
    const [id] = eventIdsFor(undefined, 'claim-1', 1);
    expect(id).toMatch(UUID_V7);
    const ms = Date.UTC(2030, 0, 1);
    const stamped = timeOrderedUuid(ms);
    expect(parseInt(stamped.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(ms);
  });

  it('keeps ids in creation order within one millisecond and when the clock goes back', () => {
    const ms = Date.UTC(2031, 0, 1);
    const ids = [
      ...Array.from({ length: 5_000 }, () => timeOrderedUuid(ms)),
      ...Array.from({ length: 10 }, () => timeOrderedUuid(ms - 60_000)),
      timeOrderedUuid(ms + 10_000),
    ];
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
