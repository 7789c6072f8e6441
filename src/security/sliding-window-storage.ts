import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** What a storage answers for one hit (the throttler's ThrottlerStorageRecord). */
export interface HitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** Idle keys (no live hit, window and block over) are dropped this often, as the library's storage does. */
export const SWEEP_INTERVAL_MS = 60_000;
/** Expired hits are cut off the front of a key's list once this many have piled up there. */
const COMPACT_AFTER_HITS = 1_024;

/** A key's hit expiries in the order they were recorded (non-decreasing); those before `head` have expired. */
interface Hits {
  expiries: number[];
  head: number;
}

interface Key {
  hits: Map<string, Hits>;
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
}

const live = (hits: Hits): number => hits.expiries.length - hits.head;

const prune = (hits: Hits, now: number): void => {
  while (hits.head < hits.expiries.length && (hits.expiries[hits.head] as number) <= now) hits.head++;
  if (hits.head >= COMPACT_AFTER_HITS && hits.head * 2 >= hits.expiries.length) {
    hits.expiries = hits.expiries.slice(hits.head);
    hits.head = 0;
  }
};

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * The throttler's in-memory storage with the same answers as the library's
 * (`ThrottlerStorageService`), in constant time per hit. The library filters every hit of the
 * window into a new array on each request (and spreads it into Math.min), so one busy key — one
 * API key at thousands of requests a second — costs time in proportion to its rate on every
 * request. Hits expire in the order they were made, so here expired ones are dropped from the front.
 */
export class SlidingWindowStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly keys = new Map<string, Key>();
  private sweep: NodeJS.Timeout | undefined;

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<HitRecord> {
    return this.hit(key, ttl, limit, blockDuration, throttlerName);
  }

  private hit(name: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): HitRecord {
    this.sweep ??= setInterval(() => this.evictIdle(Date.now()), SWEEP_INTERVAL_MS).unref();
    const now = Date.now();
    let key = this.keys.get(name);
    if (key === undefined) {
      key = { hits: new Map(), expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false };
      this.keys.set(name, key);
    }
    let hits = key.hits.get(throttlerName);
    if (hits === undefined) {
      hits = { expiries: [], head: 0 };
      key.hits.set(throttlerName, hits);
    }
    prune(hits, now);
    let timeToExpire = seconds(key.expiresAt - now);
    if (timeToExpire <= 0) {
      key.expiresAt = now + ttl;
      timeToExpire = seconds(ttl);
    }
    if (blockDuration <= 0) {
      const isBlocked = live(hits) >= limit;
      if (!isBlocked) hits.expiries.push(now + ttl);
      const timeToBlockExpire = live(hits) > 0 ? seconds((hits.expiries[hits.head] as number) - now) : timeToExpire;
      return { totalHits: live(hits) + (isBlocked ? 1 : 0), timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToBlockExpire : 0 };
    }
    if (!key.isBlocked) hits.expiries.push(now + ttl);
    if (live(hits) > limit && !key.isBlocked) {
      key.isBlocked = true;
      key.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = seconds(key.blockExpiresAt - now);
    if (timeToBlockExpire <= 0 && key.isBlocked) {
      key.isBlocked = false;
      hits.expiries = [now + ttl];
      hits.head = 0;
    }
    return { totalHits: live(hits), timeToExpire, isBlocked: key.isBlocked, timeToBlockExpire };
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.sweep = undefined;
    this.keys.clear();
  }

  private evictIdle(now: number): void {
    for (const [name, key] of this.keys) {
      if ((key.isBlocked && key.blockExpiresAt > now) || key.expiresAt > now) continue;
      if ([...key.hits.values()].some((hits) => (hits.expiries[hits.expiries.length - 1] ?? 0) > now)) continue;
      this.keys.delete(name);
    }
  }
}
