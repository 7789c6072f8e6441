import { jsonDepth, JSON_DEPTH_MAX, refuseDeepJson, refusePollutionKeys } from './hostile-json';

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[[["}', 1],
    ['[[],[[]],[]]', 3],
  ])('%s is %i deep', (text, depth) => expect(jsonDepth(text)).toBe(depth));

  it('refuses a body one level too deep with a 400, and lets the limit itself through', () => {
    const nested = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));
    expect(() => refuseDeepJson(nested(JSON_DEPTH_MAX))).not.toThrow();
    expect(() => refuseDeepJson(nested(JSON_DEPTH_MAX + 1))).toThrow(expect.objectContaining({ status: 400, type: 'entity.too.deep' }));
  });
});

describe('refusePollutionKeys', () => {
  it.each(['{"__proto__":{"admin":true}}', '{"a":[{"constructor":{"prototype":1}}]}', '{"prototype":null}'])('refuses %s', (text) => {
    expect(() => JSON.parse(text, refusePollutionKeys)).toThrow(SyntaxError);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('passes ordinary bodies through unchanged', () => {
    const text = '{"claimId":"c-1","lines":[{"lineNumber":1,"note":"__proto__ in a value is fine"}]}';
    expect(JSON.parse(text, refusePollutionKeys)).toEqual(JSON.parse(text));
  });
});
