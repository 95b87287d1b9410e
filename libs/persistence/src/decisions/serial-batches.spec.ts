import { SerialBatches } from './serial-batches';

function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('SerialBatches', () => {
  it('runs one batch at a time and folds what arrives meanwhile into the next one', async () => {
    const batches: number[][] = [];
    const gates = [gate(), gate()];
    let running = 0;
    let mostAtOnce = 0;
    const serial = new SerialBatches<number>(async (items) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      batches.push([...items]);
      await gates[batches.length - 1]!.promise;
      running--;
    });
    const first = serial.submit([1, 2]);
    const second = serial.submit([3]);
    const third = serial.submit([4, 5]);
    expect(batches).toEqual([[1, 2]]);
    gates[0]!.open();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
    gates[1]!.open();
    await Promise.all([second, third]);
    expect(mostAtOnce).toBe(1);
  });

  it('fails every caller of a failed batch with its error, and goes on with the next batch', async () => {
    const gates = [gate(), gate()];
    let calls = 0;
    const serial = new SerialBatches<string>(() => gates[calls++]!.promise);
    const first = serial.submit(['a']);
    const second = serial.submit(['b']);
    const third = serial.submit(['c']);
    gates[0]!.fail(new Error('the database went away'));
    await expect(first).rejects.toThrow('the database went away');
    await new Promise((resolve) => setImmediate(resolve));
    gates[1]!.fail(new Error('still away'));
    await expect(second).rejects.toThrow('still away');
    await expect(third).rejects.toThrow('still away');
    // A batch function that throws at once fails its callers and does not stall the queue either.
    await expect(serial.submit(['d'])).rejects.toThrow();
    const done = gate();
    gates[calls] = done;
    done.open();
    await expect(serial.submit(['e'])).resolves.toBeUndefined();
  });
});
