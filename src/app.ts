import 'reflect-metadata';
import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import type { LedgerConfig } from './common/config';
import { refuseDeepJson, refusePollutionKeys } from './common/hostile-json';
import { strictValidationPipe } from './common/validation';

export const BODY_SIZE_MAX = '1mb';
export const X12_BODY_SIZE_MAX = '20mb';

/** Builds the whole service (used by main, the CLI and the e2e tests), not yet listening. */
export const createApp = async (
  config: LedgerConfig,
  options: { clock?: Clock; logger?: LoggerService | false; logStream?: NodeJS.WritableStream } = {},
): Promise<INestApplication> => {
  const quiet = options.logger === false;
  const logging = { level: quiet ? 'silent' : 'info', ...(options.logStream !== undefined && { stream: options.logStream }) };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock, logging), {
    logger: quiet ? false : (options.logger ?? new Logger()),
    bufferLogs: !quiet && options.logger === undefined,
    bodyParser: false,
  });
  if (!quiet && options.logger === undefined) app.useLogger(app.get(PinoLogger));
  app.disable('etag');
  app.disable('x-powered-by');
  // inflate: false — compressed request bodies are refused (415), not decompressed.
  app.useBodyParser('json', { limit: BODY_SIZE_MAX, type: ['application/json', 'application/*+json'], inflate: false, verify: refuseDeepJson, reviver: refusePollutionKeys });
  // X12 files (POST /remittances/835) arrive as raw text; real 835s run to megabytes.
  app.useBodyParser('text', { limit: X12_BODY_SIZE_MAX, type: ['text/plain', 'application/edi-x12'], inflate: false });
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
