import { SEED_TRIGGER_DOCUMENT } from '@kairos/triggers';

/**
 * A trigger document of `count` triggers for the ingestion bench: the five seed triggers plus bench triggers over
 * the bench's event types (card transactions, logins, page views) — counts per card, login counts, feature
 * thresholds read on every card transaction, an absence timer per login, and one trigger that fires for every
 * page-viewing customer (an audited fire per such customer). Every bench event is read by at least one trigger.
 */
export function benchTriggerDocument(count: number): { version: string; triggers: unknown[] } {
  const seed = SEED_TRIGGER_DOCUMENT as { triggers: unknown[] };
  const pool: Record<string, unknown>[] = [
    { id: 'bench-page-views', description: 'Six page views within an hour', kind: 'count', event: { type: 'page_view' }, atLeast: 6, within: '1h', cooldown: '1d' },
    { id: 'bench-login-no-visit', description: 'A login without a page view within a day', kind: 'absence', after: { type: 'login' }, awaiting: { type: 'page_view' }, within: '1d', cooldown: '1d' },
  ];
  for (let i = 0; pool.length < count - seed.triggers.length; i++) {
    switch (i % 3) {
      case 0:
        pool.push({ id: `bench-card-burst-${i}`, description: 'Many card payments on one card', kind: 'count', event: { type: 'card_transaction', where: { product: 'debit_card' } }, atLeast: 10 + i, within: '1h', dedupeBy: ['cardId'], cooldown: '1d' });
        break;
      case 1:
        pool.push({ id: `bench-logins-${i}`, description: 'Many logins within a day', kind: 'count', event: { type: 'login' }, atLeast: 10 + i, within: '1d', cooldown: '1d' });
        break;
      default:
        pool.push({ id: `bench-big-spender-${i}`, description: 'Card spend above a mark', kind: 'threshold', condition: `card_spend_sum_30d > ${100_000 + i}`, on: ['card_transaction'], cooldown: '30d' });
    }
  }
  return { version: `bench-${count}`, triggers: [...seed.triggers, ...pool].slice(0, Math.max(count, seed.triggers.length)) };
}
