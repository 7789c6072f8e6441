/**
 * Guards for request bodies that are valid JSON yet hostile: nesting deep enough to overflow a
 * recursive validator, and keys that target object prototypes.
 */

/** Deeper JSON than any request of ours needs; deeper input is refused before it is parsed. */
export const JSON_DEPTH_MAX = 32;

/**
 * The deepest nesting of objects and arrays in a JSON text, found in one pass without parsing:
 * recursive validators further down would overflow the stack on a hostile, deeply nested body.
 */
export const jsonDepth = (text: Buffer | string): number => {
  const source = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return deepest;
};

/** Refuses over-deep JSON with a 400 problem (type entity.too.deep), before it is parsed. */
export const refuseDeepJson = (body: Buffer | string): void => {
  if (jsonDepth(body) > JSON_DEPTH_MAX) {
    throw Object.assign(new Error(`JSON nested deeper than ${JSON_DEPTH_MAX} levels`), { status: 400, type: 'entity.too.deep' });
  }
};

/** Keys that only ever appear in a body to tamper with prototypes. */
export const POLLUTION_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse reviver: refuses (a 400) a body carrying a prototype-pollution key anywhere. */
export const refusePollutionKeys = (key: string, value: unknown): unknown => {
  if (POLLUTION_KEYS.has(key)) throw new SyntaxError(`the key "${key}" is not accepted in a request body`);
  return value;
};
