import { isIP } from "node:net";

// A minimal writer of MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/), so tests
// build City, Country, ASN and ip-location-db databases of their own: npm has no maintained writer.
// Record size 32, an IPv6 tree with IPv4 under ::/96 (or an IPv4 tree), no data deduplication
// beyond identical records, no pointers.

export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbSpec {
  databaseType: string;
  /** CIDR → record; a more specific network may follow one that contains it. */
  networks: Record<string, MmdbValue>;
  ipVersion?: 4 | 6;
  /** Unix seconds. */
  buildEpoch?: number;
  /**
   * Metadata claiming this many more tree nodes than there are, as MaxMind's
   * GeoIP2-City-Test-Invalid-Node-Count.mmdb does: the file opens, lookups read data as tree nodes.
   */
  extraNodeCount?: number;
}

type Child = TreeNode | { data: number } | undefined;
interface TreeNode {
  children: [Child, Child];
}

export function writeMmdb(spec: MmdbSpec): Buffer {
  const ipVersion = spec.ipVersion ?? 6;
  const root: TreeNode = { children: [undefined, undefined] };
  const data: Buffer[] = [];
  const offsets = new Map<string, number>();
  let size = 0;
  for (const [cidr, record] of Object.entries(spec.networks)) {
    const key = JSON.stringify(record);
    let offset = offsets.get(key);
    if (offset === undefined) {
      offset = size;
      const bytes = encode(record);
      data.push(bytes);
      size += bytes.length;
      offsets.set(key, offset);
    }
    insert(root, networkBits(cidr, ipVersion), { data: offset });
  }

  const nodes: TreeNode[] = [];
  const queue: TreeNode[] = [root];
  const numbers = new Map<TreeNode, number>();
  while (queue.length > 0) {
    const node = queue.shift()!;
    numbers.set(node, nodes.length);
    nodes.push(node);
    for (const child of node.children) if (child !== undefined && "children" in child) queue.push(child);
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 8);
  nodes.forEach((node, i) => {
    node.children.forEach((child, side) => {
      const value =
        child === undefined ? nodeCount : "children" in child ? numbers.get(child)! : nodeCount + 16 + child.data;
      tree.writeUInt32BE(value, i * 8 + side * 4);
    });
  });

  const metadata = encodeMap({
    node_count: uint(nodeCount + (spec.extraNodeCount ?? 0), 6),
    record_size: uint(32, 5),
    ip_version: uint(ipVersion, 5),
    database_type: encode(spec.databaseType),
    languages: encode(["en"]),
    binary_format_major_version: uint(2, 5),
    binary_format_minor_version: uint(0, 5),
    build_epoch: uint(spec.buildEpoch ?? 1_763_000_000, 9),
    description: encode({ en: `${spec.databaseType} test database` }),
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from("MaxMind.com")]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]);
}

function insert(root: TreeNode, bits: number[], leaf: { data: number }): void {
  let node = root;
  bits.forEach((bit, depth) => {
    const side = bit as 0 | 1;
    if (depth === bits.length - 1) {
      node.children[side] = leaf;
      return;
    }
    const child = node.children[side];
    if (child !== undefined && "children" in child) {
      node = child;
      return;
    }
    // Splitting a shorter network's leaf: both halves keep its data until overwritten below.
    const next: TreeNode = { children: [child, child] };
    node.children[side] = next;
    node = next;
  });
}

function networkBits(cidr: string, ipVersion: 4 | 6): number[] {
  const [address = "", prefixText] = cidr.split("/");
  const v4 = isIP(address) === 4;
  const bytes = v4 ? address.split(".").map(Number) : v6Bytes(address);
  const prefix = Number(prefixText ?? (v4 ? 32 : 128));
  const bits = bytes.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((shift) => (byte >> shift) & 1)).slice(0, prefix);
  if (!v4 && ipVersion === 4) throw new Error(`IPv6 network ${cidr} in an IPv4 database`);
  // IPv4 lives at ::/96 in an IPv6 tree.
  return v4 && ipVersion === 6 ? [...Array<number>(96).fill(0), ...bits] : bits;
}

function v6Bytes(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >> 8, w & 255]);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === "boolean") return control(14, value ? 1 : 0);
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32) return uint(value, 6);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  return encodeMap(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)])));
}

function encodeMap(entries: Record<string, Buffer>): Buffer {
  const pairs = Object.entries(entries).flatMap(([key, value]) => [encode(key), value]);
  return Buffer.concat([control(7, Object.keys(entries).length), ...pairs]);
}

/** An unsigned integer of type 5 (uint16), 6 (uint32) or 9 (uint64), in as few bytes as it needs. */
function uint(value: number, type: 5 | 6 | 9): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

/** The control byte(s): type in the top three bits (types above 7 are "extended"), then the size. */
function control(type: number, size: number): Buffer {
  const head = type <= 7 ? [type << 5] : [0, type - 7];
  let sizeBytes: number[] = [];
  if (size < 29) head[0]! |= size;
  else if (size < 285) {
    head[0]! |= 29;
    sizeBytes = [size - 29];
  } else if (size < 65_821) {
    head[0]! |= 30;
    sizeBytes = [(size - 285) >> 8, (size - 285) & 255];
  } else {
    head[0]! |= 31;
    const rest = size - 65_821;
    sizeBytes = [rest >> 16, (rest >> 8) & 255, rest & 255];
  }
  return Buffer.from([...head, ...sizeBytes]);
}
