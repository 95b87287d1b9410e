/** "Now" for retention: the system clock in production, a hand-moved one in tests (G5 advances it past each window). */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}

/** Runs `task` every `intervalMs`; returns the cancel function. A port, so tests trigger runs without timers. */
export type RetentionScheduler = (intervalMs: number, task: () => void) => () => void;

export const TIMER_SCHEDULER: RetentionScheduler = (intervalMs, task) => {
  const timer = setInterval(task, intervalMs);
  // Retention never keeps a process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
};
