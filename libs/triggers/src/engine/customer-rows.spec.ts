import { CustomerRows } from './customer-rows';
import { StateKeys } from './state-keys';

describe('customer rows found by state key number', () => {
  it('hands out one row per key and finds it again by number without the key map', () => {
    const keys = new StateKeys();
    const rows = new CustomerRows(() => undefined);
    const c1 = keys.ensure('c1');
    const c2 = keys.ensure('c2\u001ecard-1');
    expect(rows.findAt(c1, 'c1')).toBe(-1);
    const row1 = rows.ensureAt(c1, 'c1');
    const row2 = rows.ensureAt(c2, 'c2\u001ecard-1');
    expect([row1, row2]).toEqual([0, 1]);
    expect([rows.ensureAt(c1, 'c1'), rows.findAt(c2, 'c2\u001ecard-1'), rows.find('c2\u001ecard-1')]).toEqual([0, 1, 1]);
  });

  it('links rows made by key alone (a restored snapshot) on their first lookup by number', () => {
    const keys = new StateKeys();
    const rows = new CustomerRows(() => undefined);
    const restored = rows.ensure('c1');
    expect(rows.findAt(keys.ensure('c1'), 'c1')).toBe(restored);
    expect(rows.findAt(keys.ensure('c2'), 'c2')).toBe(-1);
    expect(rows.ensureAt(keys.ensure('c1'), 'c1')).toBe(restored);
  });

  it('forgets a key: its number no longer finds the row, and the key gets a new number and a new row', () => {
    const keys = new StateKeys();
    const rows = new CustomerRows(() => undefined);
    const before = keys.ensure('c1');
    keys.ensure('c1\u001ecard-1');
    keys.ensure('c10');
    const row = rows.ensureAt(before, 'c1');
    expect(rows.forget('c1')).toBe(row);
    keys.forgetCustomer('c1');
    expect(rows.findAt(before, 'c1')).toBe(-1);
    const after = keys.ensure('c1');
    expect(after).not.toBe(before);
    expect(keys.ensure('c10')).toBe(2);
    expect(keys.ensure('c1\u001ecard-1')).toBe(after + 1);
    expect(rows.ensureAt(after, 'c1')).toBe(row + 1);
  });
});
