import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger } from 'pino';

export interface LoggingOptions {
  /** pino level; 'silent' turns request logs off. */
  level: string;
  /** Where log lines go (default stdout). */
  stream?: NodeJS.WritableStream;
}

/** The pino logger every line goes through: the request log (request-log.ts) and Nest's own logs. */
export const LOG = Symbol('Log');

/**
 * JSON log lines through one pino logger. Nest's logs go through nestjs-pino; the request log
 * line is written by a Fastify hook (request-log.ts), not by nestjs-pino's pino-http middleware,
 * which cost a third of a GET's server time.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    const logger: Logger = pino(
      { level: options.level, base: { service: 'billing-ledger' }, serializers: { err: (err: Error) => ({ type: err.name }) } },
      options.stream ?? pino.destination(1),
    );
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
      providers: [{ provide: LOG, useValue: logger }],
      exports: [LOG],
    };
  }
}
