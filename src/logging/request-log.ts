import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * One structured log line per request that carries no protected health information: the request
 * id (a random UUID, also answered as `X-Request-Id`), the method, the status, the route
 * *template* (`/claims/:claimId`, never the URL with its ids) and the duration; no query string,
 * headers or bodies. Patient, member and claim ids, codes and amounts therefore never reach a log
 * line. A 5xx is logged at error level as "request failed".
 */
export const logRequests = (fastify: FastifyInstance, logger: Logger): void => {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const line = {
      req: { id: request.id, method: request.method },
      res: { statusCode: reply.statusCode, route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched') },
      responseTime: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) logger.error({ ...line, err: { type: 'Error' } }, 'request failed');
    else logger.info(line, 'request completed');
    done();
  });
};
