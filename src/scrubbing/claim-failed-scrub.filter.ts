import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { sendProblem, toProblem } from '../common/problem-details.filter';
import { ClaimFailedScrub } from './vet-submission';

/**
 * A claim that failed its pre-submission edits: the usual 422 rule-violation problem
 * (`code: CLAIM_FAILED_SCRUB`), with `errors` naming every failed error edit in the shared
 * `{field, message}` shape (the field is the line, or `claim`), and the extension member `edits`
 * carrying every finding (errors and warnings) with its id, severity and lines.
 */
@Catch(ClaimFailedScrub)
export class ClaimFailedScrubFilter implements ExceptionFilter {
  catch(error: ClaimFailedScrub, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = {
      ...toProblem(error),
      errors: error.findings
        .filter((f) => f.severity === 'error')
        .map((f) => ({ field: f.lineNumbers === undefined ? 'claim' : `lines ${f.lineNumbers.join(', ')}`, message: `${f.editId}: ${f.message}` })),
      edits: error.findings,
    };
    sendProblem(reply, body);
  }
}
