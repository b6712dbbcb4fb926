import { BlockList, isIPv4, isIPv6 } from 'node:net';

// Special-use addresses (RFC 6890 and the IANA special-purpose registries that follow it):
// the server never fetches from them, so a client_id or jwks_uri cannot make it reach its
// own host, the local network or a cloud metadata service (CIMD draft §"SSRF Attacks").
const SPECIAL_IPV4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", including the unspecified 0.0.0.0
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast 255.255.255.255
];

const SPECIAL_IPV6: Array<[string, number]> = [
  ['::', 8], // unspecified, loopback, IPv4-compatible and other reserved forms
  ['::ffff:0:0', 96], // IPv4-mapped: refused outright, whatever the IPv4 address inside
  ['64:ff9b::', 96], // NAT64 well-known prefix (reaches IPv4 through a translator)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments, including Teredo 2001::/32
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

// One list per family: Node's BlockList matches an IPv4 address against IPv6 rules through
// its mapped form (::ffff:a.b.c.d), so ::/8 in a shared list would block every IPv4 address.
function blockList(family: 'ipv4' | 'ipv6', subnets: Array<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

const special = { ipv4: blockList('ipv4', SPECIAL_IPV4), ipv6: blockList('ipv6', SPECIAL_IPV6) };
const loopback = {
  ipv4: blockList('ipv4', [['127.0.0.0', 8]]),
  ipv6: blockList('ipv6', [['::1', 128]]),
};

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  if (isIPv4(address)) return 'ipv4';
  if (isIPv6(address)) return 'ipv6';
  return undefined;
}

/** True for an address the server must not connect to; anything unparsable counts as one. */
export function isSpecialUse(address: string): boolean {
  const kind = family(address);
  return kind === undefined || special[kind].check(address, kind);
}

export function isLoopback(address: string): boolean {
  const kind = family(address);
  return kind !== undefined && loopback[kind].check(address, kind);
}
