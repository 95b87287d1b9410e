/**
 * Crash injection for the outbox's durability test (D6): the process kills itself at a cut point, exactly as a
 * power cut would stop it. Only honoured outside production; the spec comes from KAIROS_FAULT_OUTBOX.
 */
export const OUTBOX_FAULT_POINTS = ['before-commit', 'after-commit', 'after-publish'] as const;
export type OutboxFaultPoint = (typeof OUTBOX_FAULT_POINTS)[number];

export interface OutboxFaults {
  at(point: OutboxFaultPoint): void;
}

export const NO_OUTBOX_FAULTS: OutboxFaults = { at: () => undefined };

interface FaultRule {
  readonly point: OutboxFaultPoint;
  /** Kill on the n-th pass of the point. */
  readonly nth?: number;
  /** Or kill on each pass with this probability (seeded). */
  readonly probability?: number;
}

/**
 * Parses `point:n=3` or `point:p=0.2` rules, comma-separated (e.g. `after-commit:n=2,after-publish:p=0.1`).
 * `seed` makes probabilistic kills reproducible. Throws on anything else, so a typo never silently disables a test.
 */
export function parseOutboxFaults(spec: string, kill: () => void = killSelf, seed = 1): OutboxFaults {
  const rules = spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(parseRule);
  const passes = new Map<OutboxFaultPoint, number>();
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: small, seeded, good enough to pick crash points.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  return {
    at(point) {
      const pass = (passes.get(point) ?? 0) + 1;
      passes.set(point, pass);
      for (const rule of rules) {
        if (rule.point !== point) continue;
        if (rule.nth === pass || (rule.probability !== undefined && random() < rule.probability)) kill();
      }
    },
  };
}

function parseRule(text: string): FaultRule {
  const [point, option] = text.split(':');
  if (!(OUTBOX_FAULT_POINTS as readonly string[]).includes(point ?? '')) throw new Error(`KAIROS_FAULT_OUTBOX: unknown cut point ${point}`);
  const match = /^(n|p)=([0-9.]+)$/.exec(option ?? 'n=1');
  if (!match) throw new Error(`KAIROS_FAULT_OUTBOX: expected n=<count> or p=<probability> after ${point}`);
  const value = Number(match[2]);
  if (match[1] === 'n') {
    if (!Number.isInteger(value) || value < 1) throw new Error('KAIROS_FAULT_OUTBOX: n must be a positive integer');
    return { point: point as OutboxFaultPoint, nth: value };
  }
  if (!(value > 0 && value <= 1)) throw new Error('KAIROS_FAULT_OUTBOX: p must be in (0, 1]');
  return { point: point as OutboxFaultPoint, probability: value };
}

/** SIGKILL: no exit handlers, no flushing, no transaction cleanup — the cut the test is about. */
function killSelf(): void {
  process.kill(process.pid, 'SIGKILL');
}
