import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '../common/clock';
import { InvalidInput, NotFound } from '../common/errors';
import { Roles } from '../security/roles';
import { AuditService } from './audit.service';
import { serializeAuditPackage } from './audit-package';

@ApiTags('audit')
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('claims/:claimId/audit')
  @Roles('auditor')
  @ApiOperation({ summary: "An audit package: the claim's complete streams with their hashes, the ledger digest, the claim as replayed; verify offline with `billing-ledger verify-package`" })
  async claimAudit(@Param('claimId') claimId: string, @Res() reply: FastifyReply): Promise<void> {
    const pkg = await this.audit.claimPackage(claimId, this.clock.now().toISOString());
    if (!pkg) throw new NotFound(`claim ${claimId} does not exist`);
    reply
      .status(200)
      .type('application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-${encodeURIComponent(claimId)}.json"`)
      .send(serializeAuditPackage(pkg));
  }

  @Get('ledger/digest')
  @Roles('auditor', 'finance')
  @ApiOperation({ summary: "The whole ledger's digest at a position (default: the head): SHA-256 chaining every event hash in global order" })
  digest(@Query('position') position?: string) {
    if (position !== undefined && !/^\d{1,19}$/.test(position)) throw new InvalidInput('position must be a non-negative integer', [{ field: 'position', message: 'digits' }]);
    return this.audit.digestAt(position === undefined ? undefined : BigInt(position));
  }
}
