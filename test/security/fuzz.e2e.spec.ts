/**
 * Hostile input, property-based (issue #8): fast-check throws random and malformed requests at
 * every POST endpoint the app's own OpenAPI document lists (so an endpoint added later is fuzzed
 * without touching this file), over real HTTP with keep-alive, against the real app on a real
 * SQLite file, authenticated as an admin so every request reaches validation and the domain.
 *
 * For every case:
 * - never a 5xx (nor a 1xx/3xx): a refusal is a 4xx `application/problem+json` with
 *   `{type, title, status, detail}`, and the stored event count is exactly what it was;
 * - a 2xx is allowed only where the request is valid after all (a mutation that kept a valid
 *   body, `{}` where every field is optional): then the body must conform to the endpoint's
 *   OpenAPI schema (types, required fields, enums, no unknown keys, `…Cents` safe integers), the
 *   events appended must be the ones that endpoint appends, hold no prototype-pollution key and
 *   only safe-integer cents, and every claim they touch must still conserve its money.
 * After the run: Object.prototype is untouched, and every claim in the ledger conserves money.
 *
 * Cases per endpoint: FUZZ_RUNS_PER_ENDPOINT (default 2,000, the issue's CI minimum);
 * FUZZ_SEED replays a run (the seed is printed on failure and in the summary).
 */
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store';
import { header as x835Header, x835 } from '../../src/remittances/x12-test-text';
import { claimBody, denialBody, encounterBody, remittanceBody, serviceLines, startTestApp, uid, type Balances, type TestApp } from '../support/test-app';

const positiveFromEnv = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not ${value}`);
  return n;
};

/** The issue's acceptance: at least 2,000 cases per endpoint in CI. */
const RUNS_PER_ENDPOINT = positiveFromEnv('FUZZ_RUNS_PER_ENDPOINT', 2_000);
const SEED = positiveFromEnv('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
/** A hung request is a failure to report, not a reason to wait forever. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Body size limit of the JSON endpoints (request-bodies.ts BODY_SIZE_MAX_BYTES = 1 MiB): a case goes just past it. */
const OVER_JSON_LIMIT_BYTES = 1024 * 1024 + 1;
/** Deep enough to blow a recursive walker's stack (V8 overflows somewhere around 2,000–10,000 frames). */
const NESTING_DEPTH_MAX = 20_000;
/** Long strings: far past every length limit (ids 64, texts 500), well under the body limit (a rare case goes past that). */
const LONG_STRING_LENGTH_MAX = 20_000;
/** Node's HTTP parser refuses headers over 16 KB with a bare 431 before the app sees them; stay well under. */
const HEADER_VALUE_LENGTH_MAX = 2_000;
const PATH_PARAM_LENGTH_MAX = 1_000;
/** Concurrent requests while seeding (the fuzzing itself sends one at a time). */
const SEEDING_SOCKETS_MAX = 32;
/** Claims listed per page when checking conservation at the end. */
const CLAIMS_PAGE_SIZE = 500;

jest.setTimeout(600_000);

// ---------------------------------------------------------------- HTTP over one keep-alive socket

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

class Client {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    private readonly token: string,
    /** One for the fuzzing (each case's event count is read around it alone); more for seeding. */
    socketsMax: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: socketsMax });
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            Authorization: `Bearer ${this.token}`,
            ...headers,
            ...(body !== undefined && { 'Content-Length': String(Buffer.byteLength(body)) }),
          },
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path.slice(0, 200)} got no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      // The server may answer (413, 415) before reading the whole body and close: the answer is what counts.
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async json(method: string, path: string, body?: unknown, expected?: number): Promise<unknown> {
    const answer = await this.send(method, path, body === undefined ? {} : { 'Content-Type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));
    if (expected !== undefined && answer.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
    return answer.text === '' ? null : (JSON.parse(answer.text) as unknown);
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------- the OpenAPI document

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
}

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Endpoint {
  /** The OpenAPI path, e.g. `/claims/{claimId}/denials`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** `json`: the body is a JSON object of `schema`; `text`: a string (an X12 file); `none`: no body declared. */
  body: 'json' | 'text' | 'none';
  contentTypes: string[];
  schema: Schema | undefined;
}

const resolve = (doc: OpenApi, schema: Schema | undefined): Schema | undefined => {
  if (schema?.$ref === undefined) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return doc.components?.schemas?.[name];
};

const postEndpoints = (doc: OpenApi): Endpoint[] =>
  Object.entries(doc.paths).flatMap(([path, operations]) => {
    const op = operations['post'];
    if (!op) return [];
    const content = op.requestBody?.content ?? {};
    const contentTypes = Object.keys(content);
    const jsonType = contentTypes.find((c) => /json/.test(c));
    const body: Endpoint['body'] = jsonType !== undefined ? 'json' : contentTypes.length > 0 ? 'text' : 'none';
    return [
      {
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body,
        contentTypes,
        schema: resolve(doc, jsonType !== undefined ? content[jsonType]?.schema : undefined),
      },
    ];
  });

/** A body built from the schema's examples: the base for mutations of an endpoint this file has no valid body for. */
const exampleOf = (doc: OpenApi, schema: Schema | undefined): unknown => {
  const s = resolve(doc, schema);
  if (s === undefined) return {};
  if (s.example !== undefined) return s.example;
  if (s.enum !== undefined) return s.enum[0];
  switch (s.type) {
    case 'array':
      return [exampleOf(doc, s.items)];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      return 'x';
    default:
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, exampleOf(doc, v)]));
  }
};

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * The oracle for an accepted (2xx) JSON body: it must be what the contract describes. Returns
 * what is wrong, or null. Lengths, formats and ranges are the validators' business; this checks
 * shape, types, enums, unknown keys and that money is integer cents.
 */
const nonConformance = (doc: OpenApi, schema: Schema | undefined, value: unknown, at = 'body'): string | null => {
  const s = resolve(doc, schema);
  if (s === undefined) return null;
  if (s.enum !== undefined) return s.enum.includes(value) ? null : `${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`;
  switch (s.type) {
    case 'array': {
      if (!Array.isArray(value)) return `${at}: not an array`;
      for (const [i, item] of value.entries()) {
        const wrong = nonConformance(doc, s.items, item, `${at}[${i}]`);
        if (wrong) return wrong;
      }
      return null;
    }
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${at}: not a finite number`;
      if (/Cents$/.test(at) && !Number.isSafeInteger(value)) return `${at}: cents must be a safe integer, got ${value}`;
      return s.type === 'integer' && !Number.isInteger(value) ? `${at}: not an integer` : null;
    case 'string':
      return typeof value === 'string' ? null : `${at}: not a string`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${at}: not a boolean`;
    default: {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${at}: not an object`;
      const properties = s.properties ?? {};
      for (const key of Object.keys(value)) if (!(key in properties) || POLLUTION_KEYS.includes(key)) return `${at}.${key}: unknown field accepted`;
      for (const key of s.required ?? []) if (!(key in value)) return `${at}.${key}: required field missing`;
      for (const [key, sub] of Object.entries(properties)) {
        if (!(key in value)) continue;
        const wrong = nonConformance(doc, sub, (value as Record<string, unknown>)[key], `${at}.${key}`);
        if (wrong) return wrong;
      }
      return null;
    }
  }
};

// ---------------------------------------------------------------- the seeded ledger

/** One small lifecycle per patient: a claim in each state the commands apply to. */
interface Lifecycle {
  patientId: string;
  unbilledEncounterId: string;
  submitted: string;
  denied: string;
  deniedRemittanceId: string;
  corrected: string;
  paid: string;
  paidRemittanceId: string;
  rejected: string;
  voided: string;
  /** Submitted, the target of the 835 template. */
  for835: string;
}

type Piece = 'unbilled' | 'submitted' | 'denied' | 'corrected' | 'paid' | 'rejected' | 'voided' | 'credit' | 'for835';
const ALL_PIECES: readonly Piece[] = ['unbilled', 'submitted', 'denied', 'corrected', 'paid', 'rejected', 'voided', 'credit', 'for835'];

/**
 * Seeds the pieces asked for, for a new patient; the rest of the lifecycle is `base`'s (another
 * patient's), which is fine for path parameters. Commands are the costliest requests here, so
 * each endpoint gets only what its valid request needs.
 */
const seedLifecycle = async (client: Client, name: string, pieces: readonly Piece[], base?: Lifecycle): Promise<Lifecycle> => {
  const patientId = uid(`fz-${name}-pat`);
  const want = new Set(pieces);
  const submit = async (): Promise<string> => {
    const encounter = encounterBody({ patientId });
    await client.json('POST', '/encounters', encounter, 201);
    const claim = claimBody(encounter.encounterId);
    await client.json('POST', '/claims', claim, 201);
    return claim.claimId;
  };
  const none = async (): Promise<string> => '';
  const deniedRemittanceId = uid('era');
  const paidRemittanceId = uid('era');
  // Independent chains run together: the store's group commit then shares one fsync among them.
  const [unbilledEncounterId, submitted, denied, corrected, paid, rejected, voided, for835] = await Promise.all([
    want.has('unbilled')
      ? (async () => {
          const unbilled = encounterBody({ patientId });
          await client.json('POST', '/encounters', unbilled, 201);
          return unbilled.encounterId;
        })()
      : none(),
    want.has('submitted') ? submit() : none(),
    want.has('denied')
      ? submit().then(async (id) => {
          await client.json('POST', `/claims/${id}/denials`, denialBody(deniedRemittanceId), 201);
          return id;
        })
      : none(),
    want.has('corrected')
      ? submit().then(async (id) => {
          await client.json('POST', `/claims/${id}/denials`, denialBody(), 201);
          await client.json('POST', `/claims/${id}/corrections`, { reason: 'added the referring provider' }, 201);
          return id;
        })
      : none(),
    want.has('paid')
      ? submit().then(async (id) => {
          await client.json('POST', `/claims/${id}/remittances`, remittanceBody(paidRemittanceId), 201);
          return id;
        })
      : none(),
    want.has('rejected')
      ? submit().then(async (id) => {
          await client.json('POST', `/claims/${id}/rejections`, { reasons: [{ code: 'A7:562', message: 'Entity identifier code missing' }] }, 201);
          return id;
        })
      : none(),
    want.has('voided')
      ? submit().then(async (id) => {
          await client.json('POST', `/claims/${id}/void`, { reason: 'billed to the wrong payer' }, 201);
          return id;
        })
      : none(),
    want.has('for835') ? submit() : none(),
  ]);
  // Unallocated credit, so a refund from credit is valid.
  if (want.has('credit')) await client.json('POST', `/patients/${patientId}/payments`, { paymentId: uid('pay'), amountCents: 5_000, method: 'cash', allocations: [] }, 201);
  const pick = (mine: string, piece: Piece, theirs: keyof Lifecycle): string => (want.has(piece) ? mine : (base?.[theirs] ?? ''));
  return {
    patientId,
    unbilledEncounterId: pick(unbilledEncounterId, 'unbilled', 'unbilledEncounterId'),
    submitted: pick(submitted, 'submitted', 'submitted'),
    denied: pick(denied, 'denied', 'denied'),
    deniedRemittanceId: pick(deniedRemittanceId, 'denied', 'deniedRemittanceId'),
    corrected: pick(corrected, 'corrected', 'corrected'),
    paid: pick(paid, 'paid', 'paid'),
    paidRemittanceId: pick(paidRemittanceId, 'paid', 'paidRemittanceId'),
    rejected: pick(rejected, 'rejected', 'rejected'),
    voided: pick(voided, 'voided', 'voided'),
    for835: pick(for835, 'for835', 'for835'),
  };
};

/** A valid 835 paying the claim in full (the standard encounter: 99213-25 $150.00, 93000 $50.00). */
const full835 = (claimId: string, trace: string): string =>
  x835([
    ...x835Header('200.00', trace),
    `CLP*${claimId}*1*200.00*200.00**12*PCN-${trace}`,
    'SVC*HC:99213:25*150.00*150.00**1',
    'REF*6R*1',
    'SVC*HC:93000*50.00*50.00**1',
    'REF*6R*2',
  ]);

const AT = '2026-03-10T09:00:00Z';

interface Template {
  params: Record<string, string>;
  /** A JSON value for json endpoints, a string for text endpoints. */
  body: unknown;
  /** Event types a valid request appends (null: not known for this endpoint). */
  appends: readonly string[] | null;
}

/**
 * A valid request per known endpoint, against a lifecycle in the right state; `n` makes new ids
 * unique, so a mutation that keeps the body valid reaches the domain rules rather than a duplicate.
 */
const TEMPLATES: Record<string, (l: Lifecycle, n: string) => Template> = {
  '/encounters': (l, n) => ({ params: {}, body: encounterBody({ encounterId: `fz-enc-${n}`, patientId: l.patientId }), appends: ['EncounterCoded'] }),
  '/claims': (l, n) => ({ params: {}, body: claimBody(l.unbilledEncounterId, { claimId: `fz-clm-${n}`, submittedAt: AT }), appends: ['EncounterBilled', 'ClaimSubmitted'] }),
  '/claims/{claimId}/rejections': (l) => ({
    params: { claimId: l.submitted },
    body: { reasons: [{ code: 'A7:562', message: 'Entity identifier code missing' }], rejectedAt: AT },
    appends: ['ClaimRejected'],
  }),
  '/claims/{claimId}/denials': (l, n) => ({ params: { claimId: l.submitted }, body: { ...denialBody(`fz-era-${n}`), receivedAt: AT }, appends: ['DenialReceived'] }),
  '/claims/{claimId}/corrections': (l) => ({
    params: { claimId: l.denied },
    body: { diagnoses: ['E11.9', 'I10'], lines: serviceLines(), reason: 'recoded the E/M line', correctedAt: AT },
    appends: ['ClaimCorrected'],
  }),
  '/claims/{claimId}/resubmissions': (l) => ({ params: { claimId: l.corrected }, body: { resubmittedAt: AT }, appends: ['ClaimResubmitted'] }),
  '/claims/{claimId}/remittances': (l, n) => ({ params: { claimId: l.submitted }, body: { ...remittanceBody(`fz-era-${n}`), receivedAt: AT }, appends: ['RemittancePosted'] }),
  '/claims/{claimId}/remittances/{remittanceId}/reversal': (l) => ({
    params: { claimId: l.paid, remittanceId: l.paidRemittanceId },
    body: { reversedAt: AT },
    appends: ['RemittanceReversed'],
  }),
  '/claims/{claimId}/write-offs': (l) => ({
    params: { claimId: l.paid },
    body: { amountCents: 500, from: 'patient', reason: 'small_balance', postedAt: AT },
    appends: ['WriteOffPosted'],
  }),
  '/claims/{claimId}/void': (l) => ({ params: { claimId: l.submitted }, body: { reason: 'billed to the wrong payer', voidedAt: AT }, appends: ['ClaimVoided'] }),
  '/patients/{patientId}/payments': (l, n) => ({
    params: { patientId: l.patientId },
    body: { paymentId: `fz-pay-${n}`, amountCents: 500, method: 'card', allocations: [{ claimId: l.paid, amountCents: 500 }], receivedAt: AT },
    appends: ['PatientPaymentReceived'],
  }),
  '/patients/{patientId}/refunds': (l, n) => ({
    params: { patientId: l.patientId },
    body: { refundId: `fz-ref-${n}`, amountCents: 100, issuedAt: AT },
    appends: ['PatientRefundIssued'],
  }),
  // A fixed trace number per lifecycle: once a mutation posts it, the same file is a re-import.
  '/remittances/835': (l) => ({ params: {}, body: full835(l.for835, `TRN-FZ-${l.patientId}`), appends: null }),
};

/** What each template's valid request needs seeded for its own patient. */
const NEEDS: Record<string, readonly Piece[]> = {
  '/encounters': [],
  '/claims': ['unbilled'],
  '/claims/{claimId}/rejections': ['submitted'],
  '/claims/{claimId}/denials': ['submitted'],
  '/claims/{claimId}/corrections': ['denied'],
  '/claims/{claimId}/resubmissions': ['corrected'],
  '/claims/{claimId}/remittances': ['submitted'],
  '/claims/{claimId}/remittances/{remittanceId}/reversal': ['paid'],
  '/claims/{claimId}/write-offs': ['paid'],
  '/claims/{claimId}/void': ['submitted'],
  '/patients/{patientId}/payments': ['paid'],
  '/patients/{patientId}/refunds': ['credit'],
  '/remittances/835': ['for835'],
};

/** Seeded ids a path parameter of that name is filled with (besides random ones). */
const seededIds = (l: Lifecycle, name: string): string[] => {
  switch (name) {
    case 'claimId':
      return [l.submitted, l.denied, l.corrected, l.paid, l.rejected, l.voided, l.for835];
    case 'patientId':
      return [l.patientId];
    case 'remittanceId':
      return [l.paidRemittanceId, l.deniedRemittanceId];
    case 'encounterId':
      return [l.unbilledEncounterId];
    default:
      return [];
  }
};

// ---------------------------------------------------------------- generators

/**
 * JSON text that JSON.stringify cannot produce (1e400, 2^53+1 as written, deep nesting) rides in a
 * string marker that `serialize` swaps for the raw text.
 */
const RAW_MARK = `~~raw${Math.random().toString(36).slice(2)}~~`;
const raw = (text: string): string => `${RAW_MARK}${text}${RAW_MARK}`;
const RAW_PATTERN = new RegExp(`"${RAW_MARK}(.*?)${RAW_MARK}"`, 'gs');
const serialize = (value: unknown): string =>
  (JSON.stringify(value) ?? 'null').replace(RAW_PATTERN, (_, text: string) => JSON.parse(`"${text}"`) as string);

const NUMBER_TEXTS = ['1e400', '-1e400', '1e308', '9007199254740993', '-9007199254740993', '12345678901234567890123', '0.1', '1.5', '-0', '-1', '1e21', '5e-324', '100.00', '1E2', '0x10'];
const numberText = fc.constantFrom(...NUMBER_TEXTS).map(raw);

const nested = (depth: number, shape: 'array' | 'object' | 'proto'): string =>
  shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${(shape === 'object' ? '{"a":' : '{"__proto__":').repeat(depth)}0${'}'.repeat(depth)}`;
const deepNesting = fc.tuple(fc.integer({ min: 2, max: NESTING_DEPTH_MAX }), fc.constantFrom('array', 'object', 'proto') as fc.Arbitrary<'array' | 'object' | 'proto'>).map(([d, s]) => raw(nested(d, s)));

const longString = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.integer({ min: 65, max: LONG_STRING_LENGTH_MAX }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

const pollution = fc.constantFrom<unknown>(
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"prototype": {"polluted": "yes"}}'),
);

const SPECIAL_VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, -0.01, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, 1e21, '', ' ', 'null', 'NaN', 'Infinity', '-1', '1e3',
  '١٢٣', '１２３', '\u0000', '\u202eevil', '🦷💉', 'A\u0301', '\ud800', '<script>alert(1)</script>', "'; DROP TABLE events; --", '../../etc/passwd', '%00',
  [], {}, [[]], [null], { length: 1 },
];

/** A value that is wrong for some field: wrong type, out of range, hostile text, structure where a scalar goes. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
  { weight: 2, arbitrary: numberText },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.oneof(fc.maxSafeInteger(), fc.constant(-Number.MAX_SAFE_INTEGER - 2)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: pollution },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A value that may well be valid: these mutations are the ones that can legitimately answer 2xx. */
const plausibleValue = (current: unknown): fc.Arbitrary<unknown> => {
  if (typeof current === 'number') return fc.oneof(fc.integer({ min: -100_000, max: 100_000 }), fc.constant(current + 1), fc.constant(current * 100), fc.constant(0));
  if (typeof current === 'string') return fc.oneof(fc.string({ maxLength: 12 }), fc.constant(current.toLowerCase()), fc.constant(`${current}0`), fc.constant(current.slice(1)));
  if (Array.isArray(current)) return fc.oneof(fc.constant([]), fc.constant([...current, ...current]), fc.constant(current.slice(1)));
  return fc.constant(current);
};

type PathStep = string | number;

/** Every node of a JSON value, as the steps that reach it (the root is []). */
const nodePaths = (value: unknown, at: PathStep[] = []): PathStep[][] => {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => nodePaths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => nodePaths(v, [...at, k]))];
  return here;
};

const getAt = (value: unknown, path: readonly PathStep[]): unknown =>
  path.reduce<unknown>((node, step) => (node !== null && typeof node === 'object' ? (node as Record<PathStep, unknown>)[step] : undefined), value);

/** An own property even for `__proto__` (plain assignment would set the prototype instead). */
const setOwn = (target: object, key: PathStep, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

type MutationOp = 'replace' | 'null' | 'plausible' | 'delete' | 'add-unknown-key' | 'add-pollution-key' | 'wrap-in-array' | 'object-for-array' | 'duplicate-key';

interface Mutation {
  op: MutationOp;
  pathIndex: number;
  key: string;
  value: unknown;
  /** Picks among alternatives (which pollution key). */
  choice: number;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>('replace', 'replace', 'replace', 'null', 'plausible', 'plausible', 'delete', 'add-unknown-key', 'add-pollution-key', 'wrap-in-array', 'object-for-array', 'duplicate-key'),
  pathIndex: fc.nat(),
  key: fc.oneof(fc.constantFrom(...POLLUTION_KEYS, 'claimId', 'actor', 'toString', 'valueOf', 'hasOwnProperty', ''), fc.string({ unit: 'binary', maxLength: 20 })),
  value: hostileValue,
  choice: fc.nat(),
});

/** Applies one mutation to a copy of a valid body; returns the JSON text to send and what was done. */
const mutate = (valid: unknown, m: Mutation, plausibles: (current: unknown) => unknown): { text: string; label: string } => {
  const body = structuredClone(valid);
  const paths = nodePaths(body);
  const path = paths[m.pathIndex % paths.length] ?? [];
  const where = path.length === 0 ? 'body' : path.join('.');
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = getAt(body, parentPath);
  const node = getAt(body, path);
  const put = (v: unknown): unknown => {
    if (last === undefined || parent === null || typeof parent !== 'object') return v;
    setOwn(parent, last, v);
    return body;
  };
  switch (m.op) {
    case 'replace':
      return { text: serialize(put(m.value)), label: `replace ${where}` };
    case 'null':
      // null is not "absent": a field the schema does not mark nullable must refuse it.
      return { text: serialize(put(null)), label: `null at ${where}` };
    case 'plausible':
      return { text: serialize(put(plausibles(node))), label: `plausible ${where}` };
    case 'delete':
      if (last === undefined || parent === null || typeof parent !== 'object') return { text: '', label: 'delete body' };
      if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
      else delete (parent as Record<PathStep, unknown>)[last];
      return { text: serialize(body), label: `delete ${where}` };
    case 'add-unknown-key':
    case 'add-pollution-key': {
      const target = node !== null && typeof node === 'object' && !Array.isArray(node) ? node : body;
      const key = m.op === 'add-pollution-key' ? (POLLUTION_KEYS[m.choice % POLLUTION_KEYS.length] as string) : m.key;
      if (target === null || typeof target !== 'object') return { text: serialize(body), label: `add ${key} (no object)` };
      setOwn(target, key, m.op === 'add-pollution-key' ? { polluted: 'yes' } : m.value);
      return { text: serialize(body), label: `add key ${JSON.stringify(key)} at ${where}` };
    }
    case 'wrap-in-array':
      return { text: serialize(put([node])), label: `wrap ${where} in an array` };
    case 'object-for-array':
      return { text: serialize(put(Array.isArray(node) ? { ...node } : node !== null && typeof node === 'object' ? Object.values(node) : { 0: node })), label: `object/array swap at ${where}` };
    case 'duplicate-key': {
      // JSON.parse keeps the last of duplicate keys: the hostile value comes last.
      const text = serialize(body);
      if (!text.startsWith('{') || text === '{}') return { text: `{${JSON.stringify(m.key)}:${serialize(m.value)}}`, label: 'duplicate key in an empty object' };
      const key = typeof last === 'string' && parentPath.length === 0 ? last : (Object.keys(body as object)[0] as string);
      return { text: `${text.slice(0, -1)},${JSON.stringify(key)}:${serialize(m.value)}}`, label: `duplicate key ${key}` };
    }
  }
};

const WRONG_JSON_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=no-such-charset',
  'application/merge-patch+json',
  'application/jsonx',
  'text/html',
  '',
];
const WRONG_TEXT_CONTENT_TYPES = ['application/json', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/html', 'text/plain; charset=utf-16', 'text/plain; charset=no-such-charset', ''];

/** What one case sends. */
interface Case {
  kind: string;
  label: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: HEADER_VALUE_LENGTH_MAX });
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: headerText.map((v) => ({ 'Idempotency-Key': v })) },
  { weight: 1, arbitrary: fc.oneof(headerText, fc.constantFrom('"0"', 'W/"1"', '"-1"', '"999999999999999"', '"1e3"', '*')).map((v) => ({ 'If-Match': v })) },
  { weight: 1, arbitrary: headerText.map((v) => ({ 'X-Correlation-Id': v })) },
  { weight: 1, arbitrary: headerText.map((v) => ({ 'X-Actor': v })) },
  // An encoding the body is not in.
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity, gzip', 'x-nonsense').map((v) => ({ 'Content-Encoding': v })) },
);

/** Path parameter values that must be sent exactly as written (broken escapes, dot segments). */
const RAW_PATH_VALUES = ['%ZZ', '%', '..', '.', '%2e%2e', '%00', '%2F', 'a%2Fb', '%C0%AE', '%FF', '%uD800', '%E2%80%AE'];

const pathParam = (seeded: readonly string[], preferred: string | undefined): fc.Arbitrary<{ value: string; raw: boolean }> =>
  fc.oneof(
    ...(preferred === undefined ? [] : [{ weight: 6, arbitrary: fc.constant({ value: preferred, raw: false }) }]),
    ...(seeded.length === 0 ? [] : [{ weight: 2, arbitrary: fc.constantFrom(...seeded).map((value) => ({ value, raw: false })) }]),
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((value) => ({ value, raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS, ' ', 'null', 'undefined', '0', '-1').map((value) => ({ value, raw: false })) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: PATH_PARAM_LENGTH_MAX }).map((n) => ({ value: 'c'.repeat(n), raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_VALUES).map((value) => ({ value, raw: true })) },
  );

const fillPath = (endpoint: Endpoint, params: Record<string, { value: string; raw: boolean }>): string =>
  endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = params[name] ?? { value: '', raw: false };
    return p.raw ? p.value : encodeURIComponent(p.value);
  });

/** Random X12-looking text: segments of random tags and elements. */
const segmentSoup = fc
  .array(fc.tuple(fc.constantFrom('ISA', 'GS', 'ST', 'BPR', 'TRN', 'CLP', 'SVC', 'CAS', 'PLB', 'SE', 'GE', 'IEA', 'N1', 'REF', 'LX', 'X'), fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 20 })), { maxLength: 60 })
  .map((segments) => segments.map(([tag, elements]) => [tag, ...elements].join('*')).join('~\n'));

const X12_HOSTILE_ELEMENTS = ['', '-1', '1e400', '99999999999999999999.99', '0.001', 'NaN', '~', '*', ':', '^', '\u0000', '🦷', '__proto__', 'ﾠ'];

const mutate835 = (valid: string, m: { op: number; segment: number; element: number; text: string; cut: number }): { text: string; label: string } => {
  const segments = valid.split('~').map((s) => s.trim()).filter((s) => s !== '');
  const i = m.segment % segments.length;
  const segment = segments[i] ?? '';
  const elements = segment.split('*');
  const j = 1 + (m.element % Math.max(1, elements.length - 1));
  const join = (list: string[]): string => `${list.join('~\n')}~`;
  switch (m.op % 7) {
    case 0:
    case 1: {
      elements[j] = m.text;
      return { text: join(segments.map((s, k) => (k === i ? elements.join('*') : s))), label: `element ${elements[0]}${String(j).padStart(2, '0')} = ${JSON.stringify(m.text.slice(0, 40))}` };
    }
    case 2:
      return { text: join(segments.filter((_, k) => k !== i)), label: `drop segment ${i} (${elements[0]})` };
    case 3:
      return { text: join(segments.flatMap((s, k) => (k === i ? [s, s] : [s]))), label: `repeat segment ${i} (${elements[0]})` };
    case 4:
      return { text: valid.slice(0, m.cut % valid.length), label: `cut at ${m.cut % valid.length}` };
    case 5:
      return { text: `\ufeff${valid}`, label: 'byte order mark' };
    default: {
      const swapped = [...segments];
      const k = (i + 1) % segments.length;
      [swapped[i], swapped[k]] = [segments[k] ?? '', segment];
      return { text: join(swapped), label: `swap segments ${i} and ${k}` };
    }
  }
};

const caseArb = (endpoint: Endpoint, template: (n: string) => Template, lifecycle: Lifecycle, counter: () => string): fc.Arbitrary<Case> => {
  const base = template('0');
  const params = fc.record(
    Object.fromEntries(endpoint.pathParams.map((name) => [name, pathParam(seededIds(lifecycle, name), base.params[name])])) as Record<string, fc.Arbitrary<{ value: string; raw: boolean }>>,
  );
  const query = endpoint.queryParams.length === 0
    ? fc.constant('')
    : fc.oneof(
        { weight: 4, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...endpoint.queryParams), fc.oneof(fc.constantFrom('true', 'false', '', '1', 'TRUE', '__proto__'), fc.string({ maxLength: 20 }))).map(([k, v]) => `?${encodeURIComponent(k)}=${encodeURIComponent(v)}`) },
      );
  type Payload = { kind: string; label: string; contentType: string | undefined; body: string | undefined };
  const json = 'application/json';
  const textType = endpoint.contentTypes[0] ?? 'text/plain';
  const validText = (): string => {
    const body = template(counter()).body;
    return typeof body === 'string' ? body : serialize(body);
  };
  const common: Array<fc.WeightedArbitrary<Payload>> = [
    {
      weight: 10,
      arbitrary: fc.constantFrom<[string, string | undefined]>(['empty', ''], ['no body', undefined], ['null', 'null'], ['{}', '{}'], ['[]', '[]'], ['string', '"x"'], ['number', '0'], ['true', 'true']).chain(([label, body]) =>
        fc.constantFrom(json, textType).map((contentType) => ({ kind: 'empty-or-null', label, contentType, body })),
      ),
    },
    {
      weight: 10,
      arbitrary: fc.constantFrom(...(endpoint.body === 'text' ? WRONG_TEXT_CONTENT_TYPES : WRONG_JSON_CONTENT_TYPES)).map((contentType) => ({
        kind: 'wrong-content-type',
        label: `valid body as ${JSON.stringify(contentType)}`,
        contentType: contentType === '' ? undefined : contentType,
        body: validText(),
      })),
    },
    {
      weight: 10,
      arbitrary: fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ unit: 'binary', maxLength: 200 })).map((body) => ({ kind: 'random', label: 'random text or JSON', contentType: endpoint.body === 'text' ? textType : json, body })),
    },
    {
      // Rare: just past the body limit (1 MB for JSON); X12 files may be up to 20 MB, so they get a large valid-looking one instead.
      weight: 1,
      arbitrary: fc.constant(null).map(() =>
        endpoint.body === 'text'
          ? { kind: 'huge', label: 'a CLP segment repeated 1,000 times', contentType: textType, body: validText().replace(/(CLP\*[^~]*~)/, (s) => s.repeat(1_000)) }
          : { kind: 'huge', label: 'over the body limit', contentType: json, body: `{"x":"${'x'.repeat(OVER_JSON_LIMIT_BYTES)}"}` },
      ),
    },
  ];
  const jsonPayloads: Array<fc.WeightedArbitrary<Payload>> = [
    {
      weight: 100,
      arbitrary: mutationArb.chain((m) =>
        plausibleValue(getAt(base.body, nodePaths(base.body)[m.pathIndex % nodePaths(base.body).length] ?? [])).map((plausible) => {
          const valid = template(counter()).body;
          const { text, label } = mutate(valid, m, () => plausible);
          return { kind: 'mutation', label, contentType: json, body: text };
        }),
      ),
    },
    {
      weight: 30,
      arbitrary: fc
        .dictionary(
          fc.oneof(fc.constantFrom(...Object.keys(endpoint.schema?.properties ?? {}), ...POLLUTION_KEYS), fc.string({ unit: 'binary', maxLength: 20 })),
          hostileValue,
          { maxKeys: 8 },
        )
        .map((o) => ({ kind: 'hostile-object', label: 'an object of hostile values', contentType: json, body: serialize(o) })),
    },
    { weight: 10, arbitrary: deepNesting.map((d) => ({ kind: 'deep-nesting', label: 'deeply nested body', contentType: json, body: serialize(d) })) },
    {
      weight: 10,
      arbitrary: fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 10 })).map(([cut, tail]) => {
        const text = validText();
        return { kind: 'malformed', label: 'truncated or trailing garbage', contentType: json, body: `${text.slice(0, cut % text.length)}${tail}` };
      }),
    },
    { weight: 10, arbitrary: fc.constant(null).map(() => ({ kind: 'array-for-object', label: 'the valid body inside an array', contentType: json, body: `[${validText()}]` })) },
  ];
  const textPayloads: Array<fc.WeightedArbitrary<Payload>> = [
    {
      weight: 100,
      arbitrary: fc
        .record({ op: fc.nat(), segment: fc.nat(), element: fc.nat(), text: fc.oneof(fc.constantFrom(...X12_HOSTILE_ELEMENTS), fc.string({ unit: 'binary', maxLength: 30 }), longString.map((s) => s.slice(0, 5_000))), cut: fc.nat() })
        .map((m) => {
          const { text, label } = mutate835(validText(), m);
          return { kind: 'mutation', label, contentType: textType, body: text };
        }),
    },
    { weight: 20, arbitrary: segmentSoup.map((body) => ({ kind: 'segment-soup', label: 'random segments', contentType: textType, body })) },
    { weight: 10, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: 'json-for-text', label: 'JSON where an 835 goes', contentType: json, body: serialize(v) })) },
  ];
  const payload = fc.oneof(...common, ...(endpoint.body === 'text' ? textPayloads : jsonPayloads));
  return fc.record({ params, query, headers: extraHeaders, payload }).map(({ params: p, query: q, headers, payload: pl }) => ({
    kind: pl.kind,
    label: pl.label,
    path: `${fillPath(endpoint, p)}${q}`,
    headers: { ...headers, ...(pl.contentType !== undefined && { 'Content-Type': pl.contentType }) },
    body: pl.body,
  }));
};

// ---------------------------------------------------------------- checking one answer

const describeCase = (c: Case): string => {
  const body = c.body === undefined ? '(none)' : `${c.body.length} chars: ${JSON.stringify(c.body.slice(0, 400))}${c.body.length > 400 ? '…' : ''}`;
  return `${c.kind} (${c.label}): POST ${c.path.slice(0, 300)} headers ${JSON.stringify(c.headers).slice(0, 300)} body ${body}`;
};

/** Walks a stored event's data: no prototype-pollution key, every …Cents a safe integer. */
const eventDataProblem = (value: unknown, at: string): string | null => {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const p = eventDataProblem(v, `${at}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const key of Object.getOwnPropertyNames(value)) {
    if (POLLUTION_KEYS.includes(key)) return `${at}.${key}: a prototype-pollution key was stored`;
    const v = (value as Record<string, unknown>)[key];
    if (/Cents$/.test(key) && !Number.isSafeInteger(v)) return `${at}.${key}: stored ${JSON.stringify(v)}, not integer cents`;
    const p = eventDataProblem(v, `${at}.${key}`);
    if (p) return p;
  }
  return null;
};

const conservationProblem = (claimId: string, b: Balances): string | null => {
  const sum = b.payerPaidCents + b.contractualAdjustmentCents + b.patientPaidCents + b.writeOffCents + b.balanceCents;
  if (sum !== b.chargesCents) return `claim ${claimId}: charges ${b.chargesCents} ≠ paid + adjustments + patient paid + write-offs + balance = ${sum}`;
  if (b.balanceCents !== b.payerBalanceCents + b.patientBalanceCents) return `claim ${claimId}: balance ≠ payer + patient balance`;
  return null;
};

interface EndpointStats {
  statuses: Map<number, number>;
  kinds: Map<string, { count: number; ms: number }>;
  accepted: number;
  ms: number;
}

// ---------------------------------------------------------------- the test

describe('hostile input: every POST endpoint, fuzzed', () => {
  let t: TestApp;
  let client: Client;
  /** Per endpoint: a lifecycle to prove its valid request on, and one to fuzz (so neither's success changes the other's target). */
  const templateLifecycles = new Map<string, Lifecycle>();
  const fuzzLifecycles = new Map<string, Lifecycle>();
  let store: EventStore;
  let doc: OpenApi;
  let endpoints: Endpoint[];
  const prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const stats = new Map<string, EndpointStats>();
  let seedingMs = 0;
  let n = 0;
  const counter = (): string => `${SEED.toString(36)}-${++n}`;

  beforeAll(async () => {
    t = await startTestApp({ auth: 'on' });
    store = t.app.get<typeof EVENT_STORE, EventStore>(EVENT_STORE);
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    client = new Client(port, t.tokens.admin, 1);
    doc = (await client.json('GET', '/docs/openapi.json', undefined, 200)) as OpenApi;
    endpoints = postEndpoints(doc);
    const seeder = new Client(port, t.tokens.admin, SEEDING_SOCKETS_MAX);
    const seedingStarted = Date.now();
    try {
      // One full lifecycle gives path parameters a claim in every state; each endpoint then gets
      // its own patient with just what its valid request needs (an endpoint without a template: the full one's).
      const shared = await seedLifecycle(seeder, 'all', ALL_PIECES);
      await Promise.all(
        endpoints.flatMap((e) => {
          const needs = NEEDS[e.path];
          if (needs === undefined) {
            fuzzLifecycles.set(e.path, shared);
            return [];
          }
          return [
            seedLifecycle(seeder, 'ok', needs, shared).then((l) => templateLifecycles.set(e.path, l)),
            seedLifecycle(seeder, 'fz', needs, shared).then((l) => fuzzLifecycles.set(e.path, l)),
          ];
        }),
      );
    } finally {
      seeder.close();
    }
    seedingMs = Date.now() - seedingStarted;
  });

  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  const templateFor = (endpoint: Endpoint) => (l: Lifecycle, id: string): Template =>
    TEMPLATES[endpoint.path]?.(l, id) ?? {
      params: Object.fromEntries(endpoint.pathParams.map((name) => [name, seededIds(l, name)[0] ?? uid('fz')])),
      body: endpoint.body === 'text' ? 'x' : exampleOf(doc, endpoint.schema),
      appends: null,
    };

  it('the OpenAPI document lists every POST endpoint this file has a valid request for', () => {
    expect(Object.keys(NEEDS).sort()).toEqual(Object.keys(TEMPLATES).sort());
    expect(endpoints.map((e) => e.path).sort()).toEqual(expect.arrayContaining(Object.keys(TEMPLATES).sort()));
    const unknown = endpoints.filter((e) => TEMPLATES[e.path] === undefined).map((e) => e.path);
    // Still fuzzed, from the schema's examples; a valid template here would reach the domain rules too.
    if (unknown.length > 0) console.warn(`fuzzing ${unknown.join(', ')} from schema examples only: add a valid request to TEMPLATES`);
  });

  it('every valid request template is accepted (so mutations start from a valid body)', async () => {
    for (const endpoint of endpoints.filter((e) => TEMPLATES[e.path] !== undefined)) {
      const template = templateFor(endpoint)(templateLifecycles.get(endpoint.path) as Lifecycle, counter());
      const path = fillPath(endpoint, Object.fromEntries(Object.entries(template.params).map(([k, v]) => [k, { value: v, raw: false }])));
      const text = typeof template.body === 'string' ? template.body : serialize(template.body);
      const answer = await client.send('POST', path, { 'Content-Type': endpoint.body === 'text' ? (endpoint.contentTypes[0] ?? 'text/plain') : 'application/json' }, text);
      expect(`${endpoint.path} → ${answer.status}`).toMatch(/ → 20[01]$/);
    }
  });

  it(`${RUNS_PER_ENDPOINT} cases per POST endpoint: only 4xx problem+json (or a 2xx for a valid request), never a 5xx, nothing appended when refused`, async () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(Object.keys(TEMPLATES).length);
    const failures: string[] = [];
    for (const endpoint of endpoints) {
      const template = templateFor(endpoint);
      const primary = fuzzLifecycles.get(endpoint.path) as Lifecycle;
      const s: EndpointStats = { statuses: new Map(), kinds: new Map(), accepted: 0, ms: 0 };
      stats.set(endpoint.path, s);
      const started = Date.now();
      const property = fc.asyncProperty(caseArb(endpoint, (id) => template(primary, id), primary, counter), async (c) => {
        const before = await store.headPosition();
        const sentAt = performance.now();
        const answer = await client.send('POST', c.path, c.headers, c.body);
        const after = await store.headPosition();
        s.statuses.set(answer.status, (s.statuses.get(answer.status) ?? 0) + 1);
        const kind = s.kinds.get(c.kind) ?? { count: 0, ms: 0 };
        s.kinds.set(c.kind, { count: kind.count + 1, ms: kind.ms + performance.now() - sentAt });
        const fail = (why: string): never => {
          throw new Error(`${why}\n  case: ${describeCase(c)}\n  answer: ${answer.status} ${answer.contentType} ${answer.text.slice(0, 600)}`);
        };
        if (answer.status >= 400 && answer.status < 500) {
          if (answer.status === 401 || answer.status === 403 || answer.status === 429) fail('the admin token was refused or rate-limited: the case never reached the endpoint');
          if (!/^application\/problem\+json/.test(answer.contentType)) fail('a 4xx that is not application/problem+json');
          let problem: { type?: unknown; title?: unknown; status?: unknown; detail?: unknown };
          try {
            problem = JSON.parse(answer.text) as typeof problem;
          } catch {
            return fail('a problem+json body that is not JSON');
          }
          if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || typeof problem.detail !== 'string' || problem.status !== answer.status) {
            fail('a problem body without type, title, detail and the matching status');
          }
          if (after !== before) fail(`refused, yet ${after - before} event(s) were appended`);
          return;
        }
        if (answer.status < 200 || answer.status >= 300) fail(`HTTP ${answer.status}: never a 5xx (or a 1xx/3xx)`);
        // Accepted: it must have been a valid request, and appended what a valid request appends.
        s.accepted += 1;
        if (endpoint.body === 'json') {
          let sent: unknown;
          try {
            // An empty body reads as {} (body-parser), which an endpoint whose fields are all optional may accept.
            sent = c.body === undefined || c.body === '' ? {} : JSON.parse(c.body);
          } catch {
            return fail('accepted a body that is not JSON');
          }
          const wrong = nonConformance(doc, endpoint.schema, sent);
          if (wrong) fail(`accepted a body the OpenAPI schema does not allow: ${wrong}`);
        }
        const appended: RecordedEvent[] = after > before ? await store.readAll(before, { maxCount: 1_000 }) : [];
        const expectedTypes = template(primary, '0').appends;
        const touched = new Set<string>();
        for (const event of appended) {
          if (expectedTypes !== null && !expectedTypes.includes(event.type)) fail(`accepted, and appended a ${event.type}, which ${endpoint.path} never appends`);
          const problem = eventDataProblem(event.data, `${event.type}.data`);
          if (problem) fail(`accepted, and stored bad data: ${problem}`);
          if (event.streamId.startsWith('claim-')) touched.add(event.streamId.slice('claim-'.length));
          const allocations = (event.data as { allocations?: Array<{ claimId: string }> }).allocations ?? [];
          for (const a of allocations) touched.add(a.claimId);
        }
        for (const claimId of touched) {
          const view = (await client.json('GET', `/claims/${encodeURIComponent(claimId)}`, undefined, 200)) as { balances: Balances };
          const problem = conservationProblem(claimId, view.balances);
          if (problem) fail(`accepted, and broke conservation: ${problem}`);
        }
      });
      const details = await fc.check(property, { numRuns: RUNS_PER_ENDPOINT, seed: SEED });
      s.ms = Date.now() - started;
      if (details.failed) {
        failures.push(
          `${endpoint.path}: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n  (seed ${details.seed}, path ${details.counterexamplePath}; replay with FUZZ_SEED=${SEED})`,
        );
      } else {
        expect(details.numRuns).toBe(RUNS_PER_ENDPOINT);
      }
    }
    const summary = [...stats.entries()].map(
      ([path, s]) =>
        `${path.padEnd(56)} ${String(s.ms).padStart(6)} ms  accepted ${String(s.accepted).padStart(4)}  ${[...s.statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}\n      ${[...s.kinds.entries()].map(([k, v]) => `${k} ${v.count}/${Math.round(v.ms)}ms`).join(', ')}`,
    );
    console.log(
      `fuzz: ${RUNS_PER_ENDPOINT} cases per endpoint × ${endpoints.length} endpoints, seed ${SEED}; ` +
        `seeding took ${seedingMs} ms\n${summary.join('\n')}`,
    );
    expect(failures).toEqual([]);
    // The cases reached the endpoints: each was refused by validation and also got past it (a rule, a 404, a duplicate, or accepted).
    for (const [path, s] of stats) {
      expect(`${path}: 400 × ${s.statuses.get(400) ?? 0}`).not.toMatch(/: 400 × 0$/);
      const pastValidation = [...s.statuses.entries()].filter(([status]) => ![400, 413, 415].includes(status)).reduce((sum, [, count]) => sum + count, 0);
      expect(`${path}: past validation × ${pastValidation}`).not.toMatch(/× 0$/);
    }
  });

  it('no request polluted Object.prototype', () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeysBefore);
  });

  it('after the fuzzing, every claim in the ledger still conserves its money', async () => {
    const problems: string[] = [];
    let claims = 0;
    for (let cursor: string | undefined; ; ) {
      const page = (await client.json('GET', `/claims?limit=${CLAIMS_PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, undefined, 200)) as {
        claims: Array<{ claimId: string }>;
        nextCursor?: string;
      };
      for (const { claimId } of page.claims) {
        claims += 1;
        const view = (await client.json('GET', `/claims/${encodeURIComponent(claimId)}`, undefined, 200)) as { balances: Balances };
        const problem = conservationProblem(claimId, view.balances);
        if (problem) problems.push(problem);
      }
      if (page.nextCursor === undefined) break;
      cursor = page.nextCursor;
    }
    expect(claims).toBeGreaterThanOrEqual(14);
    expect(problems).toEqual([]);
  });
});
