import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr (stdout stays clean for output that may be piped). */
export const progressBar = (label: string, total: number): { update(done: number): void; stop(): void } => {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta}s`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { rate: 0 });
  return {
    update(done: number) {
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds) : 0 });
    },
    stop() {
      bar.stop();
    },
  };
};
