import { fold } from '../common/decider-spec';
import { feeScheduleLoaded, schedule } from './contract-fixtures';
import { evolveFeeSchedules, feeScheduleStreamId, initialFeeSchedules, scheduleInForce } from './fee-schedule';

describe('fee schedule stream', () => {
  it('is fee-schedule-{payerId}', () => {
    expect(feeScheduleStreamId('payer-acme')).toBe('fee-schedule-payer-acme');
  });

  it('folds each FeeScheduleLoaded into a schedule, in load order; an open end is null', () => {
    const state = fold(evolveFeeSchedules, initialFeeSchedules, [
      feeScheduleLoaded(),
      feeScheduleLoaded({ scheduleId: 'h2', effectiveFrom: '2026-07-01', effectiveTo: '2026-12-31' }),
    ]);
    expect(state.schedules.map((s) => [s.scheduleId, s.effectiveFrom, s.effectiveTo])).toEqual([
      ['2026-01-01', '2026-01-01', null],
      ['h2', '2026-07-01', '2026-12-31'],
    ]);
    expect(state.schedules[0]).toEqual(schedule());
  });
});

describe('scheduleInForce: the schedule chosen by date of service', () => {
  const y2025 = schedule({ scheduleId: 'y2025', effectiveFrom: '2025-01-01', effectiveTo: '2025-12-31' });
  const y2026 = schedule({ scheduleId: 'y2026', effectiveFrom: '2026-01-01' });
  const summer = schedule({ scheduleId: 'summer', effectiveFrom: '2026-06-01', effectiveTo: '2026-08-31' });

  it.each([
    ['2024-12-31', null],
    ['2025-01-01', 'y2025'],
    ['2025-12-31', 'y2025'],
    ['2026-01-01', 'y2026'],
    ['2026-05-31', 'y2026'],
    ['2026-06-01', 'summer'],
    ['2026-08-31', 'summer'],
    ['2026-09-01', 'y2026'],
  ])('on %s → %s (ranges are inclusive; the latest to take effect wins; an ended one gives way to the open one)', (date, expected) => {
    expect(scheduleInForce([y2025, y2026, summer], date)?.scheduleId ?? null).toBe(expected);
  });

  it('between two taking effect the same day, the one loaded last (a replacement) wins', () => {
    const replacement = schedule({ scheduleId: 'y2026-amended', effectiveFrom: '2026-01-01' });
    expect(scheduleInForce([y2026, replacement], '2026-03-02')?.scheduleId).toBe('y2026-amended');
    expect(scheduleInForce([replacement, y2026], '2026-03-02')?.scheduleId).toBe('y2026');
  });

  it('load order does not matter between different effective dates', () => {
    expect(scheduleInForce([summer, y2026], '2026-07-04')?.scheduleId).toBe('summer');
  });

  it('no schedules: none in force', () => {
    expect(scheduleInForce([], '2026-03-02')).toBeNull();
  });
});
