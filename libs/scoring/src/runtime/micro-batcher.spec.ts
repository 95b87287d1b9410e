import { MicroBatcher } from './micro-batcher';

describe('micro-batcher', () => {
  it('serves requests submitted in the same turn with one call, each caller its own result', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>((batch) => {
      calls.push([...batch]);
      return batch.map((n) => n * 10);
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(await batcher.submit(4)).toBe(40);
    expect(calls).toHaveLength(2);
  });

  it('flushes at maxBatch without waiting', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(
      async (batch) => {
        sizes.push(batch.length);
        return batch;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(sizes).toEqual([2, 2, 1]);
    expect(batcher.requests).toBe(5);
  });

  it('rejects every caller of a failing batch', async () => {
    const batcher = new MicroBatcher<number, number>(() => {
      throw new Error('model unavailable');
    });
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow('model unavailable');
  });
});
