// What a fail2ban server of a given version can answer (fail2ban-protocol.md §2.4). Older servers get
// the same results from slower or coarser commands instead of an error.

export interface Capabilities {
  version: string;
  /** `set <jail> banip a b c`, `unbanip` likewise, and the server-wide `unban`. */
  multiIp: boolean;
  /** `banned` and `get <jail> banned`. */
  bannedCommand: boolean;
  /** `get <jail> banip [--with-time]` and the `bantime.*` settings. */
  banipGet: boolean;
  /** `status <jail> short`. */
  shortStatus: boolean;
  /** `status <jail> stats`, which names the backend. */
  statsFlavor: boolean;
}

export function parseVersion(version: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return [0, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function atLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}

export function capabilitiesFor(version: string): Capabilities {
  const v = parseVersion(version);
  // 0.11.1 branched before 0.10.6 and lacks what 0.10.6 added; 0.11.2 has it again.
  const is0111 = v[0] === 0 && v[1] === 11 && v[2] < 2;
  return {
    version,
    multiIp: atLeast(v, [0, 10, 5]),
    bannedCommand: atLeast(v, [0, 10, 6]) && !is0111,
    banipGet: atLeast(v, [0, 11, 1]),
    shortStatus: atLeast(v, [0, 10, 6]) && !is0111,
    statsFlavor: atLeast(v, [1, 1, 0]),
  };
}
