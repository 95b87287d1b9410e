import fc from 'fast-check';
import { AssignerProtocol } from 'kafkajs';
import { STICKY_ASSIGNER_NAME, stickyAssignment, stickyPartitionAssigner } from './sticky-partition-assigner';

const range = (n: number) => Array.from({ length: n }, (_u, i) => i);

describe('sticky partition assignment', () => {
  it('moves only the leaver’s partitions when a member leaves, and only the newcomer’s share when one joins', () => {
    const three = stickyAssignment(range(8), [
      { memberId: 'a', owned: [0, 1, 2] },
      { memberId: 'b', owned: [3, 4, 5] },
      { memberId: 'c', owned: [6, 7] },
    ]);
    expect(Object.fromEntries(three)).toEqual({ a: [0, 1, 2], b: [3, 4, 5], c: [6, 7] });
    const afterLeave = stickyAssignment(range(8), [
      { memberId: 'a', owned: [0, 1, 2] },
      { memberId: 'c', owned: [6, 7] },
    ]);
    expect(afterLeave.get('a')).toEqual(expect.arrayContaining([0, 1, 2]));
    expect(afterLeave.get('c')).toEqual(expect.arrayContaining([6, 7]));
    const afterJoin = stickyAssignment(range(8), [
      { memberId: 'a', owned: afterLeave.get('a')! },
      { memberId: 'c', owned: afterLeave.get('c')! },
      { memberId: 'd', owned: [] },
    ]);
    const ownerIn = (assignment: Map<string, number[]>, partition: number) => [...assignment].find(([, list]) => list.includes(partition))?.[0];
    const moved = range(8).filter((p) => ownerIn(afterLeave, p) !== ownerIn(afterJoin, p));
    expect(afterJoin.get('d')!.length).toBe(2);
    expect(moved).toEqual(afterJoin.get('d'));
  });

  it('property: each partition exactly once, balanced within one, and every member keeps what its share allows', () => {
    const scenario = fc.record({
      partitions: fc.integer({ min: 1, max: 24 }),
      members: fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(scenario, ({ partitions, members }) => {
        const input = members.map((owned, i) => ({ memberId: `m${i}`, owned }));
        const result = stickyAssignment(range(partitions), input);
        const all = [...result.values()].flat().sort((a, b) => a - b);
        expect(all).toEqual(range(partitions));
        const sizes = [...result.values()].map((list) => list.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        // Stickiness: a member loses one of its valid partitions only if it is at its share, or another member came first.
        const floor = Math.floor(partitions / input.length);
        for (const member of input) {
          const mine = result.get(member.memberId)!;
          const validOwned = [...new Set(member.owned.filter((p) => p < partitions))];
          const claimedEarlier = new Set(input.filter((m) => m.memberId < member.memberId).flatMap((m) => m.owned));
          const contested = validOwned.filter((p) => claimedEarlier.has(p)).length;
          expect(mine.filter((p) => validOwned.includes(p)).length).toBeGreaterThanOrEqual(Math.min(floor, validOwned.length - contested));
        }
      }),
      { seed: 20261124, numRuns: 500 },
    );
  });

  it('speaks the kafkajs assigner protocol: owned partitions travel in the member metadata', async () => {
    const cluster = { findTopicPartitionMetadata: () => range(6).map((partitionId) => ({ partitionId })) };
    const assignerOf = (owned: number[]) => stickyPartitionAssigner(() => owned)({ cluster, groupId: 'g', logger: undefined } as never);
    const a = assignerOf([0, 1, 2]);
    const b = assignerOf([]);
    const protocolA = a.protocol({ topics: ['t'] });
    expect(protocolA.name).toBe(STICKY_ASSIGNER_NAME);
    const members = [
      { memberId: 'member-a', memberMetadata: protocolA.metadata },
      { memberId: 'member-b', memberMetadata: b.protocol({ topics: ['t'] }).metadata },
      { memberId: 'member-c', memberMetadata: Buffer.from('not metadata') },
    ];
    const assigned = await a.assign({ members, topics: ['t'] });
    const byMember = Object.fromEntries(assigned.map(({ memberId, memberAssignment }) => [memberId, AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment['t'] ?? []]));
    expect(byMember['member-a']).toEqual([0, 1]);
    expect([...byMember['member-b'], ...byMember['member-c']].sort()).toEqual([2, 3, 4, 5]);
  });
});
