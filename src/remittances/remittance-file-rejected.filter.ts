import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { sendProblem } from '../common/problem-details.filter';
import type { ImportReport } from './remittance-import';

/** An 835 that was not imported: nothing was appended; the report says why, problem by problem. */
export class RemittanceFileRejected extends Error {
  constructor(readonly report: ImportReport) {
    super(`the 835 file was not imported: ${report.problems.length} problem(s)`);
    this.name = 'RemittanceFileRejected';
  }
}

/**
 * A rejected 835 as an RFC 9457 problem: `errors` lists every problem in the shared
 * `{field, message}` shape (the field is the segment position), and the extension member
 * `report` carries the whole import report (problems with their codes, claims, warnings).
 * 400 when the body is not X12 at all, 422 for a readable file with problems.
 */
@Catch(RemittanceFileRejected)
export class RemittanceFileRejectedFilter implements ExceptionFilter {
  catch(error: RemittanceFileRejected, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { report } = error;
    const status = report.problems.some((p) => p.code === 'NOT_X12') ? 400 : 422;
    const body = {
      type: '/problems/remittance-file-rejected',
      title: 'The 835 file was not imported',
      status,
      detail: `nothing was posted: ${report.problems.length} problem(s); fix them, or import with partial=true to post the claims that pass`,
      code: 'REMITTANCE_FILE_REJECTED',
      errors: report.problems.map((p) => ({
        field: `segment ${p.position.segment} (${p.position.tag})`,
        message: `${p.code}: ${p.message}`,
      })),
      report,
    };
    sendProblem(reply, body);
  }
}
