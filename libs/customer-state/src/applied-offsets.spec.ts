import { AppliedOffsets } from './applied-offsets';

describe('AppliedOffsets', () => {
  it('finds recent offsets and forgets those pushed out of the ring', () => {
    const ring = new AppliedOffsets(4);
    for (let offset = 0; offset < 10; offset += 2) ring.record(offset, 1000 + offset);
    expect(ring.appliedAt(8)).toBe(1008);
    expect(ring.appliedAt(2)).toBe(1002);
    expect(ring.appliedAt(0)).toBeNull();
    expect(ring.appliedAt(3)).toBeNull();
  });
});
