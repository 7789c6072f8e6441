import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { handleCommand } from '../common/command-handler';
import { NotFound } from '../common/errors';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { evolveFeeSchedules, feeScheduleStreamId, scheduleInForce, type FeeSchedule } from './fee-schedule';
import { FeeScheduleRepository } from './fee-schedule-repository';
import { toFeeScheduleSummary, toFeeScheduleView, type FeeScheduleSummary, type FeeScheduleView } from './fee-schedule-view';
import { loadFeeSchedule, type LoadFeeSchedule } from './load-fee-schedule/load-fee-schedule';

/** Loads payers' fee schedules (HTTP and CLI) and answers what is loaded. */
@Injectable()
export class FeeScheduleCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: FeeScheduleRepository,
    private readonly runner: ProjectionRunner,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  async load(command: LoadFeeSchedule, context: CommandContext): Promise<FeeScheduleSummary> {
    const outcome = await handleCommand(this.store, {
      streamId: feeScheduleStreamId(command.payerId),
      load: () => this.repository.load(command.payerId),
      decide: (state) => loadFeeSchedule(command, state),
      evolve: evolveFeeSchedules,
      context,
      now: () => this.clock.now(),
    });
    if (outcome.position !== null) await this.runner.waitFor(outcome.position);
    const schedules = outcome.state.schedules;
    // A retry already applied (same Idempotency-Key) appends nothing: answer with the schedule it loaded.
    const loaded = (command.scheduleId !== undefined ? schedules.find((s) => s.scheduleId === command.scheduleId) : undefined) ?? schedules[schedules.length - 1];
    return toFeeScheduleSummary(loaded as FeeSchedule);
  }

  /** Every schedule of the payer, in load order; with a date of service, also the one in force on it. */
  async list(payerId: string, dateOfService?: string): Promise<{ payerId: string; schedules: FeeScheduleSummary[]; inForce?: string | null }> {
    const { state } = await this.repository.load(payerId);
    const schedules = state.schedules.map(toFeeScheduleSummary);
    if (dateOfService === undefined) return { payerId, schedules };
    return { payerId, schedules, inForce: scheduleInForce(state.schedules, dateOfService)?.scheduleId ?? null };
  }

  async get(payerId: string, scheduleId: string): Promise<FeeScheduleView> {
    const { state } = await this.repository.load(payerId);
    const schedule = state.schedules.find((s) => s.scheduleId === scheduleId);
    if (!schedule) throw new NotFound(`payer ${payerId} has no fee schedule ${scheduleId}`);
    return toFeeScheduleView(schedule);
  }
}
