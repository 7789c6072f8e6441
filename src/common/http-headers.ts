import type { FastifyRequest } from 'fastify';

/** A request header's value (`name` in lower case); Node joins repeated headers with ", ". */
export const headerOf = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};
