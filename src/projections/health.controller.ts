import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_CONFIG, type LedgerConfig } from '../common/config';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { Public } from '../security/roles';
import { ProjectionRunner } from './projection-runner';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Store head position and each projection’s lag behind it' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.store.headPosition();
    const body = {
      status: this.runner.error ? 'failing' : 'ok',
      store: { kind: this.config.eventStore, headPosition: String(head) },
      projections: this.runner.status().map((p) => ({
        name: p.name,
        version: p.version,
        position: String(p.position),
        lag: String(head - p.position),
      })),
      ...(this.runner.error && { error: this.runner.error.message }),
    };
    if (this.runner.error) reply.status(503);
    return body;
  }
}
