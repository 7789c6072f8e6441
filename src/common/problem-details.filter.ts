import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyConflict, DuplicateId, Forbidden, InvalidInput, NotFound, PreconditionFailed, RuleViolation, Unauthenticated } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** An RFC 9457 problem: the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: ReadonlyArray<{ field: string; message: string }>;
}

const problem = (status: number, slug: string, title: string, detail: string, extra: Partial<Problem> = {}): Problem => ({
  type: `/problems/${slug}`,
  title,
  status,
  detail,
  ...extra,
});

const HTTP_TITLES: Record<number, string> = {
  400: 'Malformed request',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/** The one place an error becomes an HTTP status. */
export const toProblem = (error: unknown): Problem => {
  if (error instanceof InvalidInput) {
    return problem(400, 'invalid-input', 'The request is not valid', error.message, error.errors.length > 0 ? { errors: error.errors } : {});
  }
  if (error instanceof RuleViolation) return problem(422, 'rule-violation', 'A billing rule forbids this', error.message, { code: error.code });
  if (error instanceof DuplicateId) return problem(409, 'duplicate-id', 'That id is already taken', error.message, { code: error.code });
  if (error instanceof ConcurrencyConflict) {
    return problem(409, 'concurrency-conflict', 'Someone else changed this first', `${error.message}; read it again and retry`);
  }
  if (error instanceof NotFound) return problem(404, 'not-found', 'Not found', error.message);
  if (error instanceof Unauthenticated) return problem(401, 'unauthenticated', 'Authentication required', error.message);
  if (error instanceof Forbidden) return problem(403, 'forbidden', 'Your role does not allow this', error.message);
  if (error instanceof PreconditionFailed) return problem(412, 'precondition-failed', 'The claim has changed since you read it', error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const detail = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
    const title = HTTP_TITLES[status] ?? 'Request failed';
    return problem(status, title.toLowerCase().replace(/[^a-z]+/g, '-'), title, detail);
  }
  const bodyParser = error as { type?: unknown; status?: unknown; message?: unknown };
  if (typeof bodyParser.type === 'string' && typeof bodyParser.status === 'number' && bodyParser.status < 500) {
    const slug = bodyParser.type === 'entity.too.large' ? 'payload-too-large' : 'malformed-body';
    return problem(bodyParser.status, slug, 'The request body could not be read', String(bodyParser.message));
  }
  return problem(500, 'internal-error', 'Internal error', 'the ledger could not complete the request; nothing partial was recorded');
};

/** Answers with a problem (or a problem with extension members). */
export const sendProblem = (reply: FastifyReply, body: Problem): void => {
  void reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
};

/**
 * An unexpected error's class and stack frames, without its message: messages can carry ids or
 * amounts, and logs must hold no protected health information.
 */
const withoutMessage = (error: unknown): string => {
  if (!(error instanceof Error)) return `non-Error thrown (${typeof error})`;
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return [`${error.name}: (message withheld from logs)`, ...frames].join('\n');
};

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toProblem(error);
    if (body.status >= 500) {
      // The request id ties the line to the request log line (request-log.ts) and to the client's X-Request-Id.
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error({ req: { id: request.id, method: request.method } }, withoutMessage(error));
    }
    if (body.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="billing-ledger"');
    sendProblem(reply, body);
  }
}
