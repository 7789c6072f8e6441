import { Body, Controller, Get, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { parseCutoff } from '../common/query-params';
import { IssueStatementDto } from './dto/patient-billing.dto';
import { PatientBillingCommands } from './patient-billing-commands';
import { PatientBillingQueries, statementPdfPath } from './patient-billing-queries';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

const PDF_SUFFIX = '.pdf';

@ApiTags('patient billing')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is acting; recorded on every event' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key issues nothing twice' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('patients')
export class StatementsController {
  constructor(
    private readonly commands: PatientBillingCommands,
    private readonly queries: PatientBillingQueries,
  ) {}

  @Post(':patientId/statements')
  @ApiOperation({ summary: 'Issue a statement: at the cut-off, every claim with a patient balance, what is owed and why, what is due and by when' })
  async issue(@Param('patientId') patientId: string, @Body() body: IssueStatementDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const asOf = parseCutoff(body.asOf, undefined)?.recordedAt;
    const statement = await this.commands.issueStatement(
      {
        patientId,
        ...(body.statementId !== undefined && { statementId: body.statementId }),
        ...(asOf !== undefined && { asOf }),
        ...(body.dueDate !== undefined && { dueDate: body.dueDate }),
        ...(body.issuedAt !== undefined && { issuedAt: body.issuedAt }),
      },
      context,
    );
    const pdf = statementPdfPath(patientId, statement.statementId);
    reply.header('Location', pdf);
    return { ...statement, pdf };
  }

  @Get(':patientId/statements')
  @ApiOperation({ summary: "The patient's statements, oldest first, each with its PDF link" })
  list(@Param('patientId') patientId: string) {
    return this.queries.statements(patientId);
  }

  /** `{statementId}.pdf` serves the rendered statement; `{statementId}` alone answers what it captured, as JSON. */
  @Get(':patientId/statements/:file')
  @ApiOperation({ summary: 'One statement: `{statementId}.pdf` as PDF (same statement, same bytes), `{statementId}` as JSON' })
  @ApiProduces('application/pdf', 'application/json')
  async one(@Param('patientId') patientId: string, @Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    if (file.endsWith(PDF_SUFFIX)) {
      const statementId = file.slice(0, -PDF_SUFFIX.length);
      const pdf = await this.queries.statementPdf(patientId, statementId);
      reply
        .status(200)
        .type('application/pdf')
        .header('Content-Disposition', `inline; filename="${statementId.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`)
        .send(pdf);
      return;
    }
    reply.status(200).send(await this.queries.statement(patientId, file));
  }
}
