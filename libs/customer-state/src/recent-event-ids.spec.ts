import { RecentEventIds } from './recent-event-ids';

describe('RecentEventIds', () => {
  it('refuses an id seen within the window and forgets ids pushed out of it', () => {
    const window = new RecentEventIds(3);
    expect(['a', 'b', 'a', 'c', 'd', 'a', 'd'].map((id) => window.add(id))).toEqual([true, true, false, true, true, true, false]);
  });
});
