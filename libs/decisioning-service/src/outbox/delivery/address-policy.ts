import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach (SSRF, reliability P8): everything that is not plainly a public unicast
 * address. IPv6 is allowed only inside global unicast 2000::/3, minus the ranges that tunnel or embed IPv4
 * (6to4, Teredo) or are reserved for documentation; IPv4-mapped and IPv4-compatible forms are refused outright.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", includes 0.0.0.0 which Linux connects to loopback
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');
for (const [network, prefix] of [
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 embeds any IPv4
  ['2001:10::', 28], // ORCHID
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Why an address is refused, or null when it is a public unicast address. */
export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4') ? 'non-public IPv4 address' : null;
  if (family === 6) {
    if (!GLOBAL_UNICAST_V6.check(address, 'ipv6')) return 'IPv6 address outside global unicast (loopback, link-local, unique-local, mapped IPv4, multicast…)';
    return FORBIDDEN.check(address, 'ipv6') ? 'IPv6 address that tunnels IPv4 or is reserved' : null;
  }
  return 'not an IP address';
}
