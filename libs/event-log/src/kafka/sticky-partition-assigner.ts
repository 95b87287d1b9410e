import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/** A group member as the assignment sees it: its id and the partitions it holds state for now. */
export interface StickyMember {
  readonly memberId: string;
  readonly owned: readonly number[];
}

/**
 * Balanced and sticky: every member gets ⌊P/M⌋ or ⌈P/M⌉ partitions, and keeps as many of the partitions it already
 * owns as that allows. A membership change then moves only the partitions it has to (the leaver's, or the newcomer's
 * share) instead of reshuffling all of them as round robin does — every move is a handover, during which requests
 * for the partition's customers wait or get 503 + Retry-After, and the new owner restores and replays (D4).
 */
export function stickyAssignment(partitions: readonly number[], members: readonly StickyMember[]): Map<string, number[]> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const result = new Map<string, number[]>(sorted.map((m) => [m.memberId, []]));
  if (sorted.length === 0) return result;
  const floor = Math.floor(partitions.length / sorted.length);
  let ceilings = partitions.length % sorted.length;
  const free = new Set(partitions);
  const kept = (m: StickyMember) => result.get(m.memberId)!;
  // Each member keeps up to `floor` of its own partitions (a partition claimed twice goes to the first in id order)…
  for (const member of sorted) {
    for (const partition of member.owned) {
      if (kept(member).length >= floor) break;
      if (free.delete(partition)) kept(member).push(partition);
    }
  }
  // …and one more where it had one, while members above the floor are still allowed.
  for (const member of sorted) {
    if (ceilings === 0) break;
    const extra = member.owned.find((p) => free.has(p));
    if (extra === undefined || kept(member).length !== floor) continue;
    free.delete(extra);
    kept(member).push(extra);
    ceilings--;
  }
  // The rest fills the members below their share, in partition order.
  const rest = [...free].sort((a, b) => a - b);
  for (const member of sorted) {
    while (kept(member).length < floor && rest.length > 0) kept(member).push(rest.shift()!);
  }
  for (const member of sorted) {
    if (rest.length === 0) break;
    if (kept(member).length === floor && ceilings > 0) {
      kept(member).push(rest.shift()!);
      ceilings--;
    }
  }
  for (const list of result.values()) list.sort((a, b) => a - b);
  return result;
}

/** Name of the protocol in the group; members that do not offer it fall back to a protocol all members share. */
export const STICKY_ASSIGNER_NAME = 'KairosStickyAssigner';

/**
 * The kafkajs partition assigner around `stickyAssignment`: each member advertises the partitions it owns (read at
 * join time from `owned`, per topic) in its metadata's user data; the group leader assigns from those.
 */
export function stickyPartitionAssigner(owned: (topic: string) => readonly number[]): PartitionAssigner {
  return ({ cluster }) => ({
    name: STICKY_ASSIGNER_NAME,
    version: 0,
    async assign({ members, topics }) {
      const perMember = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, Object.create(null) as Record<string, number[]>]));
      for (const topic of topics) {
        const partitions = cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId);
        const sticky = members.map((m) => ({ memberId: m.memberId, owned: ownedIn(m.memberMetadata, topic) }));
        for (const [memberId, assigned] of stickyAssignment(partitions, sticky)) if (assigned.length > 0) perMember.get(memberId)![topic] = assigned;
      }
      return [...perMember].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      const held = Object.fromEntries(topics.map((topic) => [topic, [...owned(topic)]]));
      return { name: STICKY_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.from(JSON.stringify(held)) }) };
    },
  });
}

/** The partitions of `topic` a member said it owns; anything unreadable counts as none (it just loses stickiness). */
function ownedIn(metadata: Buffer, topic: string): number[] {
  try {
    const userData = AssignerProtocol.MemberMetadata.decode(metadata)?.userData;
    if (!userData || userData.length === 0) return [];
    const held = (JSON.parse(userData.toString('utf8')) as Record<string, unknown>)[topic];
    return Array.isArray(held) ? held.filter((p): p is number => Number.isSafeInteger(p) && p >= 0) : [];
  } catch {
    return [];
  }
}
