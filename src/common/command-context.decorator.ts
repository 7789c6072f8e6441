import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from './command-context';
import { InvalidInput } from './errors';
import { headerOf } from './http-headers';

export const HEADER_VALUE_LENGTH_MAX = 200;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = headerOf(request, name.toLowerCase());
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > HEADER_VALUE_LENGTH_MAX) {
    throw new InvalidInput(`${name} must be 1 to ${HEADER_VALUE_LENGTH_MAX} characters`, [{ field: name, message: 'bad length' }]);
  }
  return value;
};

/** `If-Match` carries the claim revision as an ETag: `"3"` (a weak `W/"3"` is taken too). */
export const parseIfMatch = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"?(-?\d{1,15})"?$/.exec(value.trim());
  if (!match) throw new InvalidInput('If-Match must be a claim revision ETag such as "3"', [{ field: 'If-Match', message: 'not a revision' }]);
  return Number(match[1]);
};

/** Builds the command context from the request: who (X-Actor), the correlation, idempotency and If-Match. */
export const Command = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: { name: string } }>();
  const idempotencyKey = header(request, 'Idempotency-Key');
  const expectedRevision = parseIfMatch(headerOf(request, 'if-match'));
  const commandId = randomUUID();
  return {
    // Once authenticated, the principal is the actor and X-Actor is ignored.
    actor: request.principal?.name ?? header(request, 'X-Actor') ?? 'anonymous',
    correlationId: header(request, 'X-Correlation-Id') ?? commandId,
    commandId,
    source: 'api',
    ...(idempotencyKey !== undefined && { idempotencyKey }),
    ...(expectedRevision !== undefined && { expectedRevision }),
  };
});
