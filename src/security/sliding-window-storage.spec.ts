import { ThrottlerStorageService } from '@nestjs/throttler';
import fc from 'fast-check';
import { SlidingWindowStorage, SWEEP_INTERVAL_MS } from './sliding-window-storage';

/** One request: time passes, then a hit on one of a few keys under one of two throttler settings. */
const step = fc.record({
  advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 200, max: 3_000 })),
  key: fc.constantFrom('key:a', 'key:b', 'ip:127.0.0.1'),
  blocking: fc.boolean(),
});

describe('SlidingWindowStorage', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-27T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('answers every hit exactly as the library storage does (counts, windows, blocks, retry times)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 300 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom(1_000, 2_500), async (steps, limit, ttl) => {
        const ours = new SlidingWindowStorage();
        const library = new ThrottlerStorageService();
        try {
          for (const s of steps) {
            jest.advanceTimersByTime(s.advanceMs);
            const blockDuration = s.blocking ? ttl : 0;
            const name = s.blocking ? 'blocking' : 'default';
            expect(await ours.increment(`${s.key}-${name}`, ttl, limit, blockDuration, name)).toEqual(
              await library.increment(`${s.key}-${name}`, ttl, limit, blockDuration, name),
            );
          }
        } finally {
          ours.onApplicationShutdown();
          library.onApplicationShutdown();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('drops a window of 50,000 expired hits at once', async () => {
    const storage = new SlidingWindowStorage();
    for (let i = 0; i < 50_000; i++) await storage.increment('busy', 1_000, 10_000_000, 1_000, 'default');
    jest.advanceTimersByTime(1_001);
    // Every earlier hit has expired: the window starts again at one.
    expect((await storage.increment('busy', 1_000, 10_000_000, 1_000, 'default')).totalHits).toBe(1);
    storage.onApplicationShutdown();
  });

  it('forgets idle keys on its sweep, and keeps a key whose hits are still live', async () => {
    const storage = new SlidingWindowStorage();
    await storage.increment('idle', 1_000, 5, 1_000, 'default');
    jest.advanceTimersByTime(SWEEP_INTERVAL_MS - 500);
    await storage.increment('busy', 1_000, 5, 1_000, 'default');
    jest.advanceTimersByTime(500);
    const keys = (storage as unknown as { keys: Map<string, unknown> }).keys;
    expect([...keys.keys()]).toEqual(['busy']);
    storage.onApplicationShutdown();
  });
});
