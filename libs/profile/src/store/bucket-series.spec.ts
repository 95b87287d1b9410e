import fc from 'fast-check';
import { NO_BLOCK } from './block-arena';
import { BucketSeries } from './bucket-series';
import { RecentValueSet } from './recent-value-set';

const expected = (model: Map<number, [number, number]>) => [...model].sort(([a], [b]) => a - b).map(([key, [sum, top]]) => [key, sum, top]);

/** Model-based: many lists share one arena (so growth, moves and block reuse interleave) and each must behave like a sorted map. */
describe('bucket series in a shared block arena', () => {
  const operation = fc.record({
    list: fc.integer({ min: 0, max: 7 }),
    bucket: fc.integer({ min: 0, max: 200 }),
    value: fc.integer({ min: -5, max: 5 }),
  });

  it('keeps each list equal to a sorted map of buckets newer than its horizon', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400, size: 'max' }), (operations) => {
        const retain = 40;
        const series = new BucketSeries(3, retain, [0, NaN]);
        const refs = new Array<number>(8).fill(NO_BLOCK);
        const newest = new Array<number>(8).fill(-Infinity);
        const models = Array.from({ length: 8 }, () => new Map<number, [number, number]>());
        for (const { list, bucket, value } of operations) {
          // Like the fold: the horizon follows the newest bucket seen, a late bucket may fall behind it.
          newest[list] = Math.max(newest[list], bucket);
          const horizon = newest[list] - retain + 1;
          refs[list] = series.upsert(refs[list], bucket, horizon);
          const model = models[list];
          if (bucket < horizon) {
            expect(series.entry).toBe(-1);
            continue;
          }
          for (const key of [...model.keys()]) if (key < horizon) model.delete(key);
          const cells = model.get(bucket) ?? [0, NaN];
          series.arena.chunk[series.entry + 1] += value;
          const max = series.arena.chunk[series.entry + 2];
          if (!(max >= value)) series.arena.chunk[series.entry + 2] = value;
          model.set(bucket, [cells[0] + value, cells[1] >= value ? cells[1] : value]);
          expect(series.entries(refs[list])).toEqual(expected(model));
          expect(series.entries(refs[list]).length).toBeLessThanOrEqual(retain);
          expect(series.sum(refs[list], 1, horizon, newest[list])).toBe([...model.values()].reduce((total, [sum]) => total + sum, 0));
        }
        // Moves and block reuse must not have touched any other list.
        for (let other = 0; other < 8; other++) expect(series.entries(refs[other])).toEqual(expected(models[other]));
      }),
      { numRuns: 100 },
    );
  });
});

describe('recent value set', () => {
  it('keeps the most recently seen values up to its bound, whatever the arrival order', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const compare = (x: number, y: number) => names[x].localeCompare(names[y]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.integer({ min: 0, max: 5 }), at: fc.integer({ min: 0, max: 20 }) }), { maxLength: 40, size: 'max' }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.nat()),
        (sightings, bound, shuffle) => {
          const shuffled = sightings.map((s) => ({ s, key: shuffle.next().value })).sort((a, b) => a.key - b.key).map(({ s }) => s);
          const fold = (order: typeof sightings) => {
            const set = new RecentValueSet(bound, compare);
            let ref = NO_BLOCK;
            for (const { value, at } of order) ref = set.add(ref, value, at, -Infinity);
            return set.entries(ref).sort(([x], [y]) => x - y);
          };
          const lastSeen = new Map<number, number>();
          for (const { value, at } of sightings) lastSeen.set(value, Math.max(lastSeen.get(value) ?? -1, at));
          const expected = [...lastSeen]
            .sort(([x, a], [y, b]) => b - a || compare(y, x))
            .slice(0, bound)
            .sort(([x], [y]) => x - y);
          expect(fold(sightings)).toEqual(expected);
          expect(fold(shuffled)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
