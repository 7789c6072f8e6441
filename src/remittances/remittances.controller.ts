import { Controller, HttpCode, Inject, Post, Query, Req, UnsupportedMediaTypeException, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { InvalidInput } from '../common/errors';
import { RemittanceFileRejected, RemittanceFileRejectedFilter } from './remittance-file-rejected.filter';
import { RemittanceImporter, type ImportReport } from './remittance-import';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

/** The content types an 835 is accepted as (request-bodies.ts reads them as text). */
export const X12_CONTENT_TYPES = ['text/plain', 'application/edi-x12'];

const parsePartial = (value: string | undefined): boolean => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInput('partial must be true or false', [{ field: 'partial', message: 'true or false' }]);
};

@ApiTags('remittances')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is importing; recorded on every event' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('remittances')
export class RemittancesController {
  constructor(@Inject(RemittanceImporter) private readonly importer: RemittanceImporter) {}

  @Post('835')
  @HttpCode(200)
  @UseFilters(RemittanceFileRejectedFilter)
  @ApiOperation({ summary: 'Import an X12 835 remittance advice: all or nothing (or partial=true); a re-import posts nothing' })
  @ApiConsumes(...X12_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', example: 'ISA*00*…~GS*HP*…~ST*835*0001~…' } })
  @ApiQuery({ name: 'partial', required: false, description: 'true: post the claims that pass and report the rest' })
  async import835(@Req() request: FastifyRequest, @Query('partial') partial: string | undefined, @Command() context: CommandContext): Promise<ImportReport> {
    const body: unknown = request.body;
    if (typeof body !== 'string') throw new UnsupportedMediaTypeException(`send the 835 file as ${X12_CONTENT_TYPES.join(' or ')}`);
    if (body.trim() === '') throw new InvalidInput('the body is empty: send the 835 file', [{ field: 'body', message: 'empty' }]);
    const report = await this.importer.import(body, { partial: parsePartial(partial), context: { ...context, source: 'import' } });
    if (report.status === 'rejected') throw new RemittanceFileRejected(report);
    return report;
  }
}
