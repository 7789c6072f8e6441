import 'reflect-metadata';
import { HttpException, Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import { REQUEST_TIMEOUT_MS_DEFAULT, type LedgerConfig } from './common/config';
import { sendProblem, toProblem } from './common/problem-details.filter';
import { registerRequestBodies } from './common/request-bodies';
import { strictValidationPipe } from './common/validation';
import { LOG } from './logging/logging.module';
import { logRequests } from './logging/request-log';
import { limitRequestTime } from './security/request-timeout';

/** Longer path parameters than any id of ours (64) still reach the handler, which refuses them as Express did. */
const PATH_PARAM_LENGTH_MAX = 8 * 1024;

/** Node's own default, which the server had on Express; Fastify's would keep idle connections 72 s. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * Fastify with Express's routing defaults, so every URL resolves as before: paths match in any
 * case and with a trailing slash; a URL that does not decode is a 400 problem like any error.
 */
const httpAdapter = (config: LedgerConfig): FastifyAdapter => {
  const adapter = new FastifyAdapter({
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: PATH_PARAM_LENGTH_MAX },
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // Request ids are ours, never taken from the client.
    genReqId: () => randomUUID(),
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, toProblem(new HttpException(error.message, error.statusCode ?? 400))),
  });
  const fastify = adapter.getInstance();
  registerRequestBodies(fastify);
  limitRequestTime(fastify, config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT);
  return adapter;
};

/** Builds the whole service (used by main, the CLI and the e2e tests), not yet listening. */
export const createApp = async (
  config: LedgerConfig,
  options: { clock?: Clock; logger?: LoggerService | false; logStream?: NodeJS.WritableStream } = {},
): Promise<INestApplication> => {
  const quiet = options.logger === false;
  const logging = { level: quiet ? 'silent' : 'info', ...(options.logStream !== undefined && { stream: options.logStream }) };
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.clock, logging), httpAdapter(config), {
    logger: quiet ? false : (options.logger ?? new Logger()),
    bufferLogs: !quiet && options.logger === undefined,
    bodyParser: false,
  });
  if (!quiet && options.logger === undefined) app.useLogger(app.get(PinoLogger));
  logRequests(app.getHttpAdapter().getInstance() as FastifyInstance, app.get(LOG));
  app.useGlobalPipes(strictValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('billing-ledger')
      .setDescription('Event-sourced ledger for medical billing. Money is integer cents; errors are application/problem+json.')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};
