import { DAY, PartitionHarness, T0, ids } from '../testing/trigger-test-support';

const overLimit = {
  id: 'credit-card-over-limit',
  description: 'The credit card is drawn beyond its limit (balances are negative when drawn on credit)',
  kind: 'threshold' as const,
  condition: 'credit_card_balance < -credit_card_limit',
  on: ['balance_changed' as const, 'product_opened' as const],
  cooldown: '0s',
  proposes: ['installment-loan-offer', 'debit-card-offer'],
};
const balance = (value: number, limit?: number) => ({ productId: 'cc-1', product: 'credit_card' as const, balance: value, ...(limit === undefined ? {} : { limit }) });

describe('threshold trigger', () => {
  it('fires when the balance goes beyond the limit, once, and again only after coming back under it', () => {
    const partition = new PartitionHarness([overLimit]);
    partition.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 2000 });
    expect(partition.emit('c1', 'balance_changed', T0 + DAY, balance(-1500))).toEqual([]);
    const fired = partition.emit('c1', 'balance_changed', T0 + 2 * DAY, balance(-2100));
    expect(fired).toEqual([
      expect.objectContaining({
        triggerId: 'credit-card-over-limit',
        evidence: [
          { feature: 'credit_card_balance', value: -2100 },
          { feature: 'credit_card_limit', value: 2000 },
        ],
      }),
    ]);
    expect(partition.emit('c1', 'balance_changed', T0 + 3 * DAY, balance(-2300))).toEqual([]);
    expect(partition.emit('c1', 'balance_changed', T0 + 4 * DAY, balance(-1000))).toEqual([]);
    expect(ids(partition.emit('c1', 'balance_changed', T0 + 5 * DAY, balance(-2001)))).toEqual(['credit-card-over-limit:c1']);
  });

  it('reads a raised limit: no fire when the limit moves with the balance', () => {
    const partition = new PartitionHarness([overLimit]);
    partition.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 2000 });
    expect(partition.emit('c1', 'balance_changed', T0 + DAY, balance(-2500, 3000))).toEqual([]);
  });

  it('evaluates unknown features as false: a customer without a limit never fires', () => {
    const partition = new PartitionHarness([overLimit]);
    expect(partition.emit('c1', 'balance_changed', T0, balance(-99_999))).toEqual([]);
    expect(partition.engine.snapshot().triggers[0].state).toEqual({ above: [] });
  });

  it('keeps one edge per trigger when several read the same feature of an event', () => {
    const spend = (id: string, mark: number) => ({ id, description: 'x', kind: 'threshold' as const, condition: `credit_card_balance < ${mark}`, on: ['balance_changed' as const], cooldown: '0s' });
    const partition = new PartitionHarness([spend('over-1000', -1000), spend('over-2000', -2000)]);
    partition.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 5000 });
    expect(ids(partition.emit('c1', 'balance_changed', T0 + DAY, balance(-1500)))).toEqual(['over-1000:c1']);
    expect(ids(partition.emit('c1', 'balance_changed', T0 + 2 * DAY, balance(-2500)))).toEqual(['over-2000:c1']);
    expect(ids(partition.emit('c1', 'balance_changed', T0 + 3 * DAY, balance(-1500)))).toEqual([]);
    expect(ids(partition.emit('c1', 'balance_changed', T0 + 4 * DAY, balance(-2500)))).toEqual(['over-2000:c1']);
  });

  it('re-arms a customer whose condition held before a hand-over only once it is false again', () => {
    const partition = new PartitionHarness([overLimit]);
    partition.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 2000 });
    expect(ids(partition.emit('c1', 'balance_changed', T0 + DAY, balance(-2100)))).toEqual(['credit-card-over-limit:c1']);
    const next = partition.handOver();
    const again = partition.handOver();
    expect(next.emit('c1', 'balance_changed', T0 + 2 * DAY, balance(-2200))).toEqual([]);
    expect(next.emit('c1', 'balance_changed', T0 + 3 * DAY, balance(-100))).toEqual([]);
    expect(ids(next.emit('c1', 'balance_changed', T0 + 4 * DAY, balance(-2300)))).toEqual(['credit-card-over-limit:c1']);
    expect(next.engine.snapshot().triggers[0].state).toEqual({ above: ['c1'] });
    // The first event after the hand-over finds the restored bit false-going, too.
    expect(again.emit('c1', 'balance_changed', T0 + 2 * DAY, balance(-100))).toEqual([]);
    expect(again.engine.snapshot().triggers[0].state).toEqual({ above: [] });
    expect(ids(again.emit('c1', 'balance_changed', T0 + 3 * DAY, balance(-2300)))).toEqual(['credit-card-over-limit:c1']);
  });
});
