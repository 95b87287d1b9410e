import type { TraceStage } from '@kairos/customer-state';
import { TriggerTraceLog, traceContributor } from './trigger-trace-log';

const fired = (triggerId: string) => ({ stage: 'trigger_fired' as const, at: '2026-01-01T00:00:00.000Z', detail: { triggerId } });

describe('TriggerTraceLog', () => {
  it('shows the evaluation first, then the other stages in the order recorded', () => {
    const log = new TriggerTraceLog(10);
    log.addEvaluated('e1', 't-a,t-b', 7);
    log.add('e1', fired('t-a'));
    log.add('e1', fired('t-b'));
    expect(log.stagesFor('e1')).toEqual([
      { stage: 'triggers_evaluated', at: null, detail: { triggers: 't-a,t-b', offset: 7 } },
      fired('t-a'),
      fired('t-b'),
    ]);
    expect(log.stagesFor('unknown')).toEqual([]);
  });

  it('keeps the evaluations of the newest events only, oldest dropped first', () => {
    const log = new TriggerTraceLog(3);
    for (let i = 0; i < 5; i++) log.addEvaluated(`e${i}`, 't', i);
    expect(log.stagesFor('e0')).toEqual([]);
    expect(log.stagesFor('e1')).toEqual([]);
    expect(log.stagesFor('e2')).toEqual([{ stage: 'triggers_evaluated', at: null, detail: { triggers: 't', offset: 2 } }]);
    expect(log.stagesFor('e4')).toEqual([{ stage: 'triggers_evaluated', at: null, detail: { triggers: 't', offset: 4 } }]);
  });

  it('keeps the other stages of the newest events only', () => {
    const log = new TriggerTraceLog(2);
    log.add('e1', fired('t'));
    log.add('e2', fired('t'));
    log.add('e3', fired('t'));
    expect(log.size).toBe(2);
    expect(log.stagesFor('e1')).toEqual([]);
    expect(log.stagesFor('e3')).toEqual([fired('t')]);
  });

  it('records nothing with a window of zero events', () => {
    const log = new TriggerTraceLog(0);
    log.addEvaluated('e1', 't', 1);
    expect(log.stagesFor('e1')).toEqual([]);
  });

  it('hands events something happened to (with their evaluation) to the sink, and not those only read', () => {
    const persisted: string[] = [];
    const log = new TriggerTraceLog(10, (eventId, stage) => persisted.push(`${eventId}:${stage.stage}`));
    log.addEvaluated('read-only', 't-a', 1);
    log.addEvaluated('e1', 't-a', 2);
    log.add('e1', fired('t-a'));
    log.add('e1', { stage: 'decision_skipped', at: null, detail: { triggerId: 't-a', reason: 'no_outbound_channel' } });
    expect(persisted).toEqual(['e1:triggers_evaluated', 'e1:trigger_fired', 'e1:decision_skipped']);
  });

  it('answers from the stored stages when the memory no longer holds the event', async () => {
    const log = new TriggerTraceLog(10);
    log.add('recent', fired('t'));
    const stored = [fired('old')] as readonly TraceStage[];
    const contributor = traceContributor(() => log, (eventId) => Promise.resolve(eventId === 'before-restart' ? stored : []));
    expect(contributor.stagesFor('recent', { partition: 0, offset: 1 })).toEqual([fired('t')]);
    await expect(contributor.stagesFor('before-restart', { partition: 0, offset: 1 })).resolves.toEqual([fired('old')]);
    expect(traceContributor(() => undefined).stagesFor('before-restart', { partition: 0, offset: 1 })).toEqual([]);
  });
});
