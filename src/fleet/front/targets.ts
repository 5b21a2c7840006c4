import { UserError } from "../../core/errors.js";

export interface FleetMap {
  /** The hosts the config lists. */
  hosts: readonly string[];
  groups: Readonly<Record<string, readonly string[]>>;
}

/**
 * The hosts an `on …` target names: `all` (or `everywhere`), a group, a host, or several of these
 * joined by commas. `seen` are the hosts known from their heartbeats: `all` means them too where
 * the config lists no hosts, and a host may be named once it has been seen.
 */
export function resolveTarget(spec: string, fleet: FleetMap, seen: readonly string[] = []): string[] {
  const everyone = everyHost(fleet, seen);
  const known = new Set([...everyone, ...seen]);
  const hosts = new Set<string>();
  for (const word of spec.split(",").map((w) => w.trim())) {
    if (word === "all" || word === "everywhere") for (const h of everyone) hosts.add(h);
    else if (Object.hasOwn(fleet.groups, word)) for (const h of fleet.groups[word]!) hosts.add(h);
    else if (known.has(word)) hosts.add(word);
    else {
      const names = [...Object.keys(fleet.groups), ...everyone];
      const hint = names.length > 0 ? ` Known: all, ${names.map((n) => `\`${n}\``).join(", ")}.` : " No host has been heard from yet.";
      throw new UserError("invalid_argument", `\`${word}\` is no host or group of this fleet.${hint}`);
    }
  }
  if (hosts.size === 0) throw new UserError("invalid_argument", "No host to run this on: the fleet lists none and none has been heard from yet.");
  return [...hosts];
}

/** What `all` names: the hosts the config lists, or where it lists none, every host heard from or in a group. */
function everyHost(fleet: FleetMap, seen: readonly string[]): string[] {
  return [...new Set(fleet.hosts.length > 0 ? fleet.hosts : [...seen, ...Object.values(fleet.groups).flat()])].sort();
}

/** Every name resolveTarget takes (but `everywhere`, which is `all`): `all`, the groups, then the hosts. */
export function targetNames(fleet: FleetMap, seen: readonly string[] = []): string[] {
  const hosts = [...new Set([...everyHost(fleet, seen), ...seen])].sort();
  return ["all", ...Object.keys(fleet.groups).sort(), ...hosts];
}
