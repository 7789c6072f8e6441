import { Module, type DynamicModule } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { RoutedRequest } from './request-context';

export interface LoggingOptions {
  /** pino level; 'silent' turns request logs off. */
  level: string;
  /** Where log lines go (default stdout). */
  stream?: NodeJS.WritableStream;
}

/**
 * Structured request logs that carry no protected health information: the route *template*
 * (`/claims/:claimId`), never the URL with its ids; no query string, headers or bodies; status and
 * duration. Patient, member and claim ids, codes and amounts therefore never reach a log line.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: options.level,
              base: { service: 'billing-ledger' },
              redact: { paths: ['req.headers', 'req.url', 'req.query', 'req.params', 'req.body', 'res.headers'], remove: true },
              serializers: {
                req: (req: RoutedRequest) => ({ id: req.id, method: req.method }),
                // The serializer gets pino's wrapped response; `raw` is the real one, whose request Fastify routed.
                res: (res: ServerResponse & { raw?: ServerResponse }) => ({
                  statusCode: res.statusCode,
                  route: ((res.raw ?? res).req as RoutedRequest | undefined)?.routeTemplate ?? 'unmatched',
                }),
                err: (err: Error) => ({ type: err.name }),
              },
              customSuccessMessage: () => 'request completed',
              customErrorMessage: () => 'request failed',
            },
            options.stream ?? pino.destination(1),
          ],
        }),
      ],
    };
  }
}
