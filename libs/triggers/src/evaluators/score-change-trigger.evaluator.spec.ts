import { HOUR, PartitionHarness, T0, ids } from '../testing/trigger-test-support';

const churnRisk = {
  id: 'churn-risk-high',
  description: 'Churn score crossed 0.7 upward',
  kind: 'score_change' as const,
  model: 'churn',
  crosses: 0.7,
  direction: 'up' as const,
  rearmAt: 0.6,
  cooldown: '0s',
  proposes: ['retention-offer'],
};

describe('score change trigger', () => {
  it('fires when the score crosses upward and stays quiet while it hovers around the threshold', () => {
    const partition = new PartitionHarness([churnRisk]);
    const score = (value: number, hours: number) => partition.engine.onScore({ customerId: 'c1', model: 'churn', score: value, atMs: T0 + hours * HOUR, modelVersion: '3', eventId: `e${hours}` });
    expect(score(0.4, 0)).toEqual([]);
    expect(score(0.72, 1)).toEqual([
      expect.objectContaining({
        triggerId: 'churn-risk-high',
        cause: { type: 'score', model: 'churn', modelVersion: '3', previous: 0.4, current: 0.72, eventId: 'e1' },
        evidence: [
          { feature: 'score:churn', value: 0.72 },
          { feature: 'score:churn:previous', value: 0.4 },
        ],
      }),
    ]);
    expect(score(0.69, 2)).toEqual([]);
    expect(score(0.71, 3)).toEqual([]);
    expect(score(0.59, 4)).toEqual([]);
    expect(ids(score(0.75, 5))).toEqual(['churn-risk-high:c1']);
    expect(partition.engine.onScore({ customerId: 'c1', model: 'activity', score: 0.99, atMs: T0 })).toEqual([]);
  });

  it('watches downward crossings and guards with score and features', () => {
    const partition = new PartitionHarness([
      { ...churnRisk, id: 'activity-dropped', model: 'activity', crosses: 0.2, direction: 'down', rearmAt: undefined, condition: 'previous_score > 0.5 and not(card_locked)' },
    ]);
    partition.emit('c1', 'login', T0, { channel: 'app' });
    expect(partition.engine.onScore({ customerId: 'c1', model: 'activity', score: 0.3, atMs: T0 })).toEqual([]);
    expect(partition.engine.onScore({ customerId: 'c1', model: 'activity', score: 0.1, atMs: T0 + HOUR })).toEqual([]);
    expect(partition.engine.onScore({ customerId: 'c1', model: 'activity', score: 0.8, atMs: T0 + 2 * HOUR })).toEqual([]);
    const fired = partition.engine.onScore({ customerId: 'c1', model: 'activity', score: 0.15, atMs: T0 + 3 * HOUR });
    expect(ids(fired)).toEqual(['activity-dropped:c1']);
    expect(fired[0].evidence).toContainEqual({ feature: 'card_locked', value: false });
  });
});
