import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { refuseDeepJson, refusePollutionKeys } from './hostile-json';

/** JSON request bodies: every endpoint but the 835 import. */
export const BODY_SIZE_MAX_BYTES = 1024 * 1024;
/** X12 files (POST /remittances/835) arrive as raw text; real 835s run to megabytes. */
export const X12_BODY_SIZE_MAX_BYTES = 20 * 1024 * 1024;

/**
 * A body the ledger will not read, shaped as the problem filter expects (`status`, `type`): 413
 * past the size limit, 415 for a compressed body or an unknown charset, 400 for a body cut short.
 */
const bodyError = (status: number, type: string, message: string): Error => Object.assign(new Error(message), { status, type });

interface MediaType {
  type: string;
  charset: string | undefined;
}

const mediaTypeOf = (headers: IncomingHttpHeaders): MediaType => {
  const [type = '', ...parameters] = (headers['content-type'] ?? '').split(';');
  const charset = parameters.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('charset='));
  return { type: type.trim().toLowerCase(), charset: charset?.slice('charset='.length).replace(/^"|"$/g, '').toLowerCase() };
};

const isJson = (type: string): boolean => type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
const isText = (type: string): boolean => type === 'text/plain' || type === 'application/edi-x12';

const UTF8 = new TextDecoder('utf-8');

/** Decodes like body-parser did: the charset named, else UTF-8, a byte order mark dropped; an unknown charset is a 415. */
const decoderFor = (charset: string | undefined): TextDecoder => {
  if (charset === undefined || charset === 'utf-8') return UTF8;
  try {
    return new TextDecoder(charset);
  } catch {
    throw bodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`);
  }
};

const firstNonWhitespace = (text: string): number => text.search(/[^\x20\x09\x0a\x0d]/);

/** A top-level scalar is refused as body-parser's strict mode did, its message pointing at the first character. */
const strictViolation = (text: string, index: number): SyntaxError => {
  const partial = text.slice(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
  } catch (error) {
    return new SyntaxError((error as Error).message.replace(/#+/g, (placeholder) => text.substring(index, index + placeholder.length)));
  }
  return new SyntaxError('a JSON body must be an object or an array');
};

const parseJson = (bytes: Buffer, decoder: TextDecoder): unknown => {
  refuseDeepJson(bytes);
  const text = decoder.decode(bytes);
  if (text.length === 0) return {};
  try {
    const first = firstNonWhitespace(text);
    if (text[first] !== '{' && text[first] !== '[') throw strictViolation(text, first === -1 ? text.length : first);
    return JSON.parse(text, refusePollutionKeys);
  } catch (error) {
    // A SyntaxError with a 400 status is what Nest's error handler answers as a 400 "Malformed request".
    throw Object.assign(error as SyntaxError, { status: 400 });
  }
};

/** How a body of this media type is read: its size limit and parse, or null when the ledger ignores the body. */
const readerFor = (headers: IncomingHttpHeaders): { limitBytes: number; parse: (bytes: Buffer) => unknown } | null => {
  const { type, charset } = mediaTypeOf(headers);
  const json = isJson(type);
  if (!json && !isText(type)) return null;
  // JSON is UTF-8, -16 or -32 (RFC 8259).
  if (json && charset !== undefined && !charset.startsWith('utf-')) throw bodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`);
  const decoder = decoderFor(charset);
  const encoding = (headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw bodyError(415, 'encoding.unsupported', 'content encoding unsupported');
  return json
    ? { limitBytes: BODY_SIZE_MAX_BYTES, parse: (bytes) => parseJson(bytes, decoder) }
    : { limitBytes: X12_BODY_SIZE_MAX_BYTES, parse: (bytes) => decoder.decode(bytes) };
};

/** Reads the whole body, refusing it as soon as it passes the limit (a declared length past it is refused unread). */
const readBytes = (payload: Readable, declaredLength: number | undefined, limitBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (declaredLength !== undefined && declaredLength > limitBytes) {
      reject(bodyError(413, 'entity.too.large', 'request entity too large'));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (): void => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
      payload.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) {
        stop();
        reject(bodyError(413, 'entity.too.large', 'request entity too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      if (declaredLength !== undefined && received !== declaredLength) reject(bodyError(400, 'request.size.invalid', 'request size did not match content length'));
      else resolve(Buffer.concat(chunks, received));
    };
    const onError = (): void => {
      stop();
      reject(bodyError(400, 'request.aborted', 'request aborted'));
    };
    const onClose = onError;
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
  });

/**
 * Reads off the rest of a refused body before the answer, as body-parser did: Fastify closes the
 * connection after a parser error, and closing it on unread bytes resets it, which can destroy the
 * answer before the client reads it.
 */
const drain = (payload: Readable): Promise<void> =>
  new Promise((resolve) => {
    if (payload.readableEnded || payload.destroyed) {
      resolve();
      return;
    }
    payload.once('end', () => resolve());
    payload.once('close', () => resolve());
    payload.on('error', () => resolve());
    payload.resume();
  });

const declaredLengthOf = (headers: IncomingHttpHeaders): number | undefined => {
  const value = headers['content-length'];
  return value === undefined || headers['transfer-encoding'] !== undefined ? undefined : Number(value);
};

/**
 * Request bodies on Fastify: JSON (`application/json`, `application/*+json`) up to
 * BODY_SIZE_MAX_BYTES, refused when nested past JSON_DEPTH_MAX or carrying a prototype-pollution
 * key; `text/plain` and `application/edi-x12` as a string up to X12_BODY_SIZE_MAX_BYTES; any
 * other type is not read and the body stays undefined. Compressed bodies are refused (415), not
 * inflated. Parse errors go to the problem filter through Nest's error handler.
 */
export const registerRequestBodies = (fastify: FastifyInstance): void => {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', async (request: FastifyRequest, payload: IncomingMessage) => {
    let bytes: Buffer;
    let reader: ReturnType<typeof readerFor>;
    try {
      reader = readerFor(request.headers);
      if (reader === null) return undefined;
      bytes = await readBytes(payload, declaredLengthOf(request.headers), reader.limitBytes);
    } catch (error) {
      await drain(payload);
      throw error;
    }
    return reader.parse(bytes);
  });
  // Fastify does not run a parser for `Content-Length: 0`; a declared empty body still reads as {} (JSON) or '' (text).
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (request.body !== undefined || request.headers['content-length'] !== '0') {
      done();
      return;
    }
    try {
      const reader = readerFor(request.headers);
      if (reader !== null) request.body = reader.parse(Buffer.alloc(0));
      done();
    } catch (error) {
      done(error as Error);
    }
  });
};
