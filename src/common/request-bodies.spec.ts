import Fastify, { type FastifyInstance } from 'fastify';
import { BODY_SIZE_MAX_BYTES, registerRequestBodies } from './request-bodies';

/** The body as the route saw it, or the refusal's status and body-parser-shaped type. */
describe('registerRequestBodies', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    registerRequestBodies(app);
    app.setErrorHandler((error: Error & { status?: number; type?: string }, _request, reply) => {
      void reply.status(error.status ?? 500).send({ refused: error.type ?? error.name, message: error.message });
    });
    app.post('/echo', async (request) => ({ body: request.body === undefined ? '(undefined)' : request.body }));
    await app.ready();
  });
  afterAll(() => app.close());

  const post = async (headers: Record<string, string>, payload?: string | Buffer) => {
    const answer = await app.inject({ method: 'POST', url: '/echo', headers, ...(payload !== undefined && { payload }) });
    return { status: answer.statusCode, ...(answer.json() as object) };
  };
  const json = { 'content-type': 'application/json' };

  it('parses JSON objects and arrays, for application/json and application/*+json', async () => {
    expect(await post(json, '{"a":[1,{"b":2}]}')).toEqual({ status: 200, body: { a: [1, { b: 2 }] } });
    expect(await post({ 'content-type': 'application/merge-patch+json' }, '[]')).toEqual({ status: 200, body: [] });
    expect(await post({ 'content-type': 'application/json; charset=utf-16le' }, Buffer.from('{"x":1}', 'utf16le'))).toEqual({ status: 200, body: { x: 1 } });
  });

  it('reads an empty JSON body as {}, whether declared empty or sent chunked', async () => {
    expect(await post({ ...json, 'content-length': '0' })).toEqual({ status: 200, body: {} });
    expect(await post({ ...json, 'transfer-encoding': 'chunked' }, '')).toEqual({ status: 200, body: {} });
  });

  it('refuses a top-level scalar, malformed JSON, pollution keys and deep nesting with 400s', async () => {
    expect(await post(json, ' 42')).toEqual({ status: 400, refused: 'SyntaxError', message: 'Unexpected token \'4\', " 42" is not valid JSON' });
    expect(await post(json, '{"a":')).toMatchObject({ status: 400, refused: 'SyntaxError' });
    expect(await post(json, '{"a":{"__proto__":{}}}')).toMatchObject({ status: 400, refused: 'SyntaxError' });
    expect(await post(json, '['.repeat(40) + ']'.repeat(40))).toMatchObject({ status: 400, refused: 'entity.too.deep' });
  });

  it('refuses bodies over the limit (413), compressed bodies and charsets JSON is never in (415)', async () => {
    expect(await post(json, `{"x":"${'x'.repeat(BODY_SIZE_MAX_BYTES)}"}`)).toMatchObject({ status: 413, refused: 'entity.too.large' });
    expect(await post({ ...json, 'content-encoding': 'gzip' }, '{}')).toMatchObject({ status: 415, refused: 'encoding.unsupported' });
    expect(await post({ 'content-type': 'application/json; charset=latin1' }, '{}')).toMatchObject({ status: 415, refused: 'charset.unsupported' });
    expect(await post({ 'content-type': 'text/plain; charset=no-such-charset' }, 'ISA')).toMatchObject({ status: 415, refused: 'charset.unsupported' });
  });

  it('reads X12 text types as strings, byte order mark dropped, and leaves any other type unread', async () => {
    expect(await post({ 'content-type': 'application/edi-x12' }, '\ufeffISA*00~')).toEqual({ status: 200, body: 'ISA*00~' });
    expect(await post({ 'content-type': 'text/plain', 'content-length': '0' })).toEqual({ status: 200, body: '' });
    expect(await post({ 'content-type': 'application/xml' }, '<a/>')).toEqual({ status: 200, body: '(undefined)' });
  });
});
