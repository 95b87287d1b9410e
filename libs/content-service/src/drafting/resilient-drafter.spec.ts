import { DraftingError, type ContentDrafter, type DraftRequest, type DraftResult } from '@kairos/content';
import { CircuitBreaker } from './circuit-breaker';
import { ResilientDrafter } from './resilient-drafter';

/** A scripted drafter: each call takes the next outcome. */
class ScriptedDrafter implements ContentDrafter {
  readonly kind = 'llm' as const;
  calls = 0;
  constructor(private readonly outcomes: (DraftingError | 'ok')[]) {}
  async draft(): Promise<DraftResult> {
    const outcome = this.outcomes[Math.min(this.calls++, this.outcomes.length - 1)];
    if (outcome !== 'ok') throw outcome;
    return { content: { language: 'en', variants: [{ channel: 'sms', variantKey: 'A', text: 'Hello' }] }, generator: { kind: 'llm', modelId: 'scripted', promptVersion: 'p' }, aiGenerated: true };
  }
}

const request = {} as DraftRequest;
const fail = (reason: DraftingError['reason']) => new DraftingError(reason, reason);

describe('ResilientDrafter', () => {
  const delays: number[] = [];
  const options = (breaker = new CircuitBreaker({ failureThreshold: 100, openMs: 1_000, now: () => 0 })) => ({
    breaker,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 150 },
    sleep: async (ms: number) => void delays.push(ms),
    random: () => 1,
  });
  beforeEach(() => (delays.length = 0));

  it('retries transient failures at most three attempts in total, backing off exponentially up to a ceiling', async () => {
    const primary = new ScriptedDrafter([fail('provider_error')]);
    await expect(new ResilientDrafter(primary, options()).draft(request)).rejects.toThrow(expect.objectContaining({ reason: 'provider_error' }));
    expect(primary.calls).toBe(3);
    expect(delays).toEqual([100, 150]);
  });

  it('does not retry what a retry cannot fix', async () => {
    for (const reason of ['refused', 'provider_rejected', 'output_too_large'] as const) {
      const primary = new ScriptedDrafter([fail(reason)]);
      await expect(new ResilientDrafter(primary, options()).draft(request)).rejects.toThrow(expect.objectContaining({ reason }));
      expect(primary.calls).toBe(1);
    }
  });

  it('refuses a retry policy of more than three attempts', () => {
    expect(() => new ResilientDrafter(new ScriptedDrafter(['ok']), { ...options(), retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1 } })).toThrow();
  });

  it('opens the circuit after consecutive failures, lets one probe through after the pause, and closes on success', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 1_000, now: () => now });
    const primary = new ScriptedDrafter([fail('timeout'), fail('timeout'), 'ok']);
    const drafter = new ResilientDrafter(primary, options(breaker));
    await expect(drafter.draft(request)).rejects.toThrow(expect.objectContaining({ reason: 'timeout' }));
    expect(breaker.state).toBe('open');
    await expect(drafter.draft(request)).rejects.toThrow(expect.objectContaining({ reason: 'circuit_open' }));
    expect(primary.calls).toBe(2);
    now = 1_000;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    now = 2_000;
    await expect(drafter.draft(request)).resolves.toEqual(expect.objectContaining({ aiGenerated: true }));
    expect(breaker.state).toBe('closed');
  });
});
