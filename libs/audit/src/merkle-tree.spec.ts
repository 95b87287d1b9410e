import { createHash } from 'node:crypto';
import { headLeaf, merkleRoot, merkleRootOfHeads } from './merkle-tree';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaf = (n: number) => sha(Buffer.from([0]), Buffer.from(`${n}:1:${'a'.repeat(64)}`));
const node = (left: Buffer, right: Buffer) => sha(Buffer.from([1]), left, right);

describe('Merkle root of chain heads (RFC 6962)', () => {
  it('hashes the empty tree, one leaf and the unbalanced shapes as the RFC defines them', () => {
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const leaves = [0, 1, 2, 3, 4].map(leaf);
    expect(merkleRoot(leaves.slice(0, 1))).toEqual(leaves[0]);
    // n = 3 splits 2 | 1; n = 5 splits 4 | 1.
    expect(merkleRoot(leaves.slice(0, 3))).toEqual(node(node(leaves[0], leaves[1]), leaves[2]));
    expect(merkleRoot(leaves)).toEqual(node(node(node(leaves[0], leaves[1]), node(leaves[2], leaves[3])), leaves[4]));
  });

  it('builds leaves from chain, sequence and hash with the 0x00 prefix, so any change of a head changes the root', () => {
    const heads = [0, 1, 2].map((chain) => ({ chain, sequence: 1, hash: 'a'.repeat(64) }));
    expect(headLeaf(heads[1])).toEqual(leaf(1));
    const root = merkleRootOfHeads(heads);
    expect(merkleRootOfHeads([heads[0], heads[1], { ...heads[2], sequence: 2 }])).not.toBe(root);
    expect(merkleRootOfHeads([heads[0], heads[1], { ...heads[2], hash: 'b'.repeat(64) }])).not.toBe(root);
    expect(merkleRootOfHeads([heads[1], heads[0], heads[2]])).not.toBe(root);
  });
});
