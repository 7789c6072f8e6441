import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** The raw request the request logger sees: Fastify's request id, and the route template it matched (`/claims/:claimId`). */
export type RoutedRequest = IncomingMessage & { id?: unknown; routeTemplate?: string };

/**
 * What the request log line needs from Fastify: the request id (a random UUID, see createApp),
 * also answered as `X-Request-Id`; and the route template, so the line names the route and never
 * the URL with its ids. Unmatched requests carry no template.
 */
export const recordRequestContext = (fastify: FastifyInstance): void => {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    const template = request.routeOptions.url;
    if (!request.is404 && template !== undefined) (request.raw as RoutedRequest).routeTemplate = template;
    done();
  });
};
