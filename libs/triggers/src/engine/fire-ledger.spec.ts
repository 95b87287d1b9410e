import { FireLedger, ledgerKey } from './fire-ledger';

describe('fire ledger', () => {
  it('cools down on either side of a fire and keys by customer and dedupe values', () => {
    const ledger = new FireLedger(1000);
    ledger.record(ledgerKey('c1', ''), 5000);
    expect(ledger.coolingDown('c1', 5999)).toBe(true);
    expect(ledger.coolingDown('c1', 4001)).toBe(true);
    expect(ledger.coolingDown('c1', 6000)).toBe(false);
    expect(ledger.coolingDown(ledgerKey('c1', 'card-2'), 5500)).toBe(false);
    ledger.record('c1', 3000);
    expect(ledger.entries()).toEqual([['c1', 5000]]);
  });

  it('prunes expired entries a bounded slice at a time, resuming where it stopped', () => {
    const ledger = new FireLedger(100);
    for (let i = 0; i < 10; i++) ledger.record(`c${i}`, i < 7 ? 0 : 1000);
    ledger.prune(1050, 4);
    expect(ledger.size).toBe(6);
    ledger.prune(1050, 4);
    expect(ledger.size).toBe(3);
    ledger.prune(1050, 4);
    expect(ledger.entries().map(([key]) => key)).toEqual(['c7', 'c8', 'c9']);
    ledger.prune(2000, 100);
    expect(ledger.size).toBe(0);
  });
});
