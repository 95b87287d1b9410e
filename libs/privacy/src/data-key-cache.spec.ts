import { DataKeyCache } from './data-key-cache';

describe('DataKeyCache', () => {
  it('keeps at most its capacity, evicting the least recently used key', () => {
    const cache = new DataKeyCache(2, 60_000, () => 0);
    cache.set('a', Buffer.from('a'));
    cache.set('b', Buffer.from('b'));
    cache.get('a');
    cache.set('c', Buffer.from('c'));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((k) => k?.toString())).toEqual(['a', undefined, 'c']);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
