import 'reflect-metadata';
import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import type { LedgerConfig } from './common/config';
import { strictValidationPipe } from './common/validation';

export const BODY_SIZE_MAX = '1mb';

/** Builds the whole service (used by main, the CLI and the e2e tests), not yet listening. */
export const createApp = async (
  config: LedgerConfig,
  options: { clock?: Clock; logger?: LoggerService | false } = {},
): Promise<INestApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock), {
    logger: options.logger ?? new Logger(),
    bodyParser: false,
  });
  app.disable('etag');
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: BODY_SIZE_MAX, type: ['application/json', 'application/*+json'] });
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
