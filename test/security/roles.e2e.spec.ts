import fs from 'node:fs';
import path from 'node:path';
import { ROLES, type Role } from '../../src/security/roles';
import { expectProblem, paidClaim, startTestApp, type TestApp } from '../support/test-app';

/**
 * The role matrix in README.md is the specification: every endpoint the app serves must be in it,
 * and every role (and no token, and a bad token) gets what it says.
 */
type Who = Role | 'none' | 'bad';
const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const MATRIX = new Map<string, Set<Role | 'public'>>(
  [...README.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| ([^|]+) \|$/gm)].map((m) => [
    `${m[1]} ${m[2]}`,
    new Set(
      (m[3] as string)
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '') as Array<Role | 'public'>,
    ),
  ]),
);

describe('roles: every endpoint × every role, as the README matrix says', () => {
  let t: TestApp;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    t = await startTestApp({ auth: 'on' });
    const doc = await t.http.get('/docs/openapi.json').expect(200);
    routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: p })),
    );
  });
  afterAll(() => t.close());

  it('the README matrix lists exactly the endpoints the app serves', () => {
    expect(MATRIX.size).toBeGreaterThan(20);
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([...MATRIX.keys()].sort());
  });

  const call = (method: string, route: string, who: Who) => {
    const url = route.replace(/\{[^}]+\}/g, 'no-such-id');
    const req = method === 'GET' ? t.http.get(url) : t.http.post(url).send({});
    if (who === 'none') return req;
    return req.set('Authorization', `Bearer ${who === 'bad' ? `bl_aaaaaaaaaaaa_${'A'.repeat(43)}` : t.tokens[who]}`);
  };

  it('each role gets through where the matrix allows it and a 403 problem where it does not; no token and a bad token get 401', async () => {
    const checked: string[] = [];
    for (const { method, path: route } of routes) {
      const allowed = MATRIX.get(`${method} ${route}`) ?? new Set();
      for (const who of [...ROLES, 'none', 'bad'] as Who[]) {
        const response = await call(method, route, who);
        const open = allowed.has('public') || (who !== 'none' && who !== 'bad' && (who === 'admin' || allowed.has(who)));
        if (open) {
          expect([401, 403]).not.toContain(response.status);
        } else if (who === 'none' || who === 'bad') {
          expectProblem(response, 401);
          expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        } else {
          expectProblem(response, 403);
        }
        checked.push(`${method} ${route} ${who} ${response.status}`);
      }
    }
    expect(checked.length).toBe(routes.length * (ROLES.length + 2));
  });
});

describe('the principal is the actor', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ auth: 'on' });
  });
  afterAll(() => t.close());

  it('events carry the key holder as actor; X-Actor is ignored once authenticated', async () => {
    const biller = `Bearer ${t.tokens.biller}`;
    const { claimId } = await paidClaimWith(t, biller);
    const history = await t.http.get(`/claims/${claimId}/history`).set('Authorization', `Bearer ${t.tokens.auditor}`).expect(200);
    const actors = new Set((history.body.events as Array<{ actor: string }>).map((e) => e.actor));
    expect([...actors]).toEqual(['e2e-biller']);
  });

  it('an auditor cannot post, whatever X-Actor says', async () => {
    const before = await t.eventCount();
    const response = await t.http
      .post('/encounters')
      .set('Authorization', `Bearer ${t.tokens.auditor}`)
      .set('X-Actor', 'e2e-biller')
      .send({});
    expectProblem(response, 403);
    expect(await t.eventCount()).toBe(before);
  });
});

/** paidClaim over an authenticated connection: supertest has no default headers, so every call sets it. */
const paidClaimWith = async (t: TestApp, authorization: string) => {
  const authed = new Proxy(t.http, {
    get(target, method: string) {
      const original = (target as unknown as Record<string, (url: string) => { set(h: string, v: string): unknown }>)[method];
      if (typeof original !== 'function' || !['get', 'post'].includes(method)) return original;
      return (url: string) => original.call(target, url).set('Authorization', authorization);
    },
  });
  return paidClaim(authed as typeof t.http, { actor: 'spoofed-by-header' } as never);
};

describe('limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ auth: 'on', rateLimitPerSecond: 5 });
  });
  afterAll(() => t.close());

  it('rate limiting per principal answers 429 problems, and another principal is not affected', async () => {
    const auditor = `Bearer ${t.tokens.auditor}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await t.http.get('/denials').set('Authorization', auditor)).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
    const limited = await t.http.get('/denials').set('Authorization', auditor);
    expectProblem(limited, 429);
    await t.http.get('/denials').set('Authorization', `Bearer ${t.tokens.finance}`).expect(200);
  });

  it('a body over the size limit is a 413 problem and appends nothing', async () => {
    const response = await t.http
      .post('/encounters')
      .set('Authorization', `Bearer ${t.tokens.biller}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(1_200_000) }));
    expectProblem(response, 413);
    expect(await t.eventCount()).toBe(0);
  });
});
