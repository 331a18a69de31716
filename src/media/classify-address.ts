/**
 * @module Which IP addresses a user-supplied URL must not reach: everything that is not public unicast
 * (loopback, RFC 1918, link-local, CGNAT, ULA, multicast, reserved, cloud metadata), IPv4 embedded in IPv6 included.
 */
import { isIP } from "node:net";

export type AddressClass =
  | "loopback"
  | "private"
  | "link-local"
  | "shared" // 100.64.0.0/10, carrier-grade NAT
  | "metadata"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "invalid";

type V4Range = readonly [base: string, prefix: number, kind: AddressClass];

const V4_RANGES: readonly V4Range[] = [
  ["169.254.169.254", 32, "metadata"],
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

function v4ToInt(address: string): number {
  return address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function classifyV4(value: number): AddressClass | null {
  for (const [base, prefix, kind] of V4_RANGES) {
    const size = 2 ** (32 - prefix);
    const start = v4ToInt(base);
    if (value >= start && value < start + size) return kind;
  }
  return null;
}

/** 16 bytes of an IPv6 address (`::`, zone ids and a dotted IPv4 tail accepted), or null when malformed. */
function parseV6(address: string): Uint8Array | null {
  let text = address.split("%")[0] ?? "";
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    if (isIP(tail[1]) !== 4) return null;
    const v = v4ToInt(tail[1]);
    text = `${text.slice(0, -tail[1].length)}${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const bytes = new Uint8Array(16);
  for (const [index, group] of groups.entries()) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  }
  return bytes;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function embeddedV4(bytes: Uint8Array, offset: number): number {
  return (((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0)) >>> 0;
}

const AWS_V6_METADATA = parseV6("fd00:ec2::254");

function classifyV6(bytes: Uint8Array): AddressClass | null {
  const first = bytes[0] ?? 0;
  const second = bytes[1] ?? 0;
  if (AWS_V6_METADATA && bytes.every((byte, index) => byte === AWS_V6_METADATA[index])) return "metadata";
  const zeroHead = bytes.subarray(0, 10).every((byte) => byte === 0);
  if (zeroHead && bytes[10] === 0xff && bytes[11] === 0xff) return classifyV4(embeddedV4(bytes, 12)); // ::ffff:a.b.c.d
  if (zeroHead && bytes[10] === 0 && bytes[11] === 0) {
    const low = embeddedV4(bytes, 12);
    if (low === 0) return "unspecified";
    if (low === 1) return "loopback";
    return classifyV4(low) ?? "reserved"; // deprecated IPv4-compatible ::a.b.c.d
  }
  // NAT64 and 6to4 reach the IPv4 address they carry
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b]) && bytes.subarray(4, 12).every((byte) => byte === 0)) return classifyV4(embeddedV4(bytes, 12));
  if (first === 0x20 && second === 0x02) return classifyV4(embeddedV4(bytes, 2));
  if ((first & 0xfe) === 0xfc) return "private"; // fc00::/7
  if (first === 0xfe && (second & 0xc0) === 0x80) return "link-local"; // fe80::/10
  if (first === 0xfe && (second & 0xc0) === 0xc0) return "private"; // fec0::/10, deprecated site-local
  if (first === 0xff) return "multicast";
  if (startsWith(bytes, [0x20, 0x01, 0x0d, 0xb8])) return "reserved"; // documentation
  if (startsWith(bytes, [0x01, 0x00, 0, 0, 0, 0, 0, 0])) return "reserved"; // discard-only
  return null;
}

/** `null` for a public unicast address; otherwise why it is refused. Brackets around IPv6 are accepted. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const version = isIP(bare.split("%")[0] ?? "");
  if (version === 4) return classifyV4(v4ToInt(bare));
  if (version === 6) {
    const bytes = parseV6(bare);
    return bytes ? classifyV6(bytes) : "invalid";
  }
  return "invalid";
}
