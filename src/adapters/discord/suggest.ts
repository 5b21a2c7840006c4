import { isUserError } from "../../core/errors.js";
import type { Fail2ban } from "../../core/ports/fail2ban.js";
import type { FleetHosts } from "../../core/ports/fleet.js";
import type { Clock } from "../../core/services.js";
import { visibleText } from "../../core/text.js";
import { AUTOCOMPLETE } from "./limits.js";
import { ShortCache } from "./short-cache.js";

export interface Choice {
  name: string;
  value: string;
}

export type SuggestKind = "jails" | "banned-ips" | "hosts";

/**
 * The command whose result a kind of suggestion gives away: whoever may not run it gets none. A
 * fleet's host names are in every reply from its hosts: whoever may run the command being typed.
 */
export const SUGGESTION_SOURCE: Record<Exclude<SuggestKind, "hosts">, string> = { jails: "jails", "banned-ips": "banned" };

export interface SuggestRequest {
  kind: SuggestKind;
  typed: string;
  /** The jail already chosen in the same interaction, for banned IPs. */
  jail?: string;
  /** Fleet mode: the `on` already given in the same interaction (else the default target). */
  target?: string;
  /** The option takes several values separated by spaces or commas: complete the last one. */
  multiple?: boolean;
}

/**
 * Autocomplete answers from fail2ban, a few seconds stale at most, never later than `waitMs`. In
 * fleet mode jails and addresses come from the hosts the interaction's `on` names, and a fleet's
 * targets from what its front knows.
 */
export class Suggestions {
  private readonly cache: ShortCache<string[]>;

  constructor(
    private readonly deps: {
      fail2ban: Pick<Fail2ban, "status" | "bannedIps" | "banned">;
      /** Fleet mode: the hosts, whose fail2ban the suggestions come from (the front may have none). */
      fleet?: Pick<FleetHosts, "targets" | "resolve" | "defaultTarget" | "names">;
      clock: Clock;
      ttlMs: number;
      waitMs: number;
      onError: (err: unknown, key: string) => void;
    },
  ) {
    this.cache = new ShortCache({ ttlMs: deps.ttlMs, clock: deps.clock, onError: deps.onError });
  }

  async choices(req: SuggestRequest): Promise<Choice[]> {
    const candidates = (await this.candidates(req)) ?? [];
    const split = req.multiple ? Math.max(req.typed.lastIndexOf(" "), req.typed.lastIndexOf(",")) + 1 : 0;
    const head = req.typed.slice(0, split);
    return rank(candidates, req.typed.slice(split).trim())
      .map((c) => head + c)
      .filter((value) => value.length <= AUTOCOMPLETE.text)
      .slice(0, AUTOCOMPLETE.choices)
      // The value must stay exact to name the jail or address; the shown name need not.
      .map((value) => ({ name: visibleText(value) || value, value }));
  }

  private async candidates({ kind, jail, target }: SuggestRequest): Promise<string[] | undefined> {
    const { fail2ban, fleet, waitMs } = this.deps;
    if (kind === "hosts") return fleet?.targets() ?? [];
    if (fleet) {
      const hosts = this.hostsOf(fleet, target);
      const scope = kind === "jails" || !jail || jail === "all" ? undefined : jail;
      return await this.cache.get(`${kind}:${scope ?? "*"}@${hosts.join(",")}`, () => fleet.names(kind, hosts, scope), waitMs);
    }
    if (kind === "jails") return await this.cache.get("jails", async () => (await fail2ban.status()).jails, waitMs);
    if (jail && jail !== "all") return await this.cache.get(`banned:${jail}`, () => fail2ban.bannedIps(jail), waitMs);
    return await this.cache.get("banned:*", async () => [...(await fail2ban.banned()).values()].flat(), waitMs);
  }

  /** The hosts `on` names; none while it names no host (still being typed), so no suggestions. */
  private hostsOf(fleet: Pick<FleetHosts, "resolve" | "defaultTarget">, target: string | undefined): string[] {
    try {
      return [...fleet.resolve(target?.trim() || fleet.defaultTarget)].sort();
    } catch (err) {
      if (isUserError(err)) return [];
      throw err;
    }
  }
}

/** Starts-with matches first, then contains; each group sorted; case-insensitive. */
export function rank(candidates: readonly string[], typed: string): string[] {
  const needle = typed.toLowerCase();
  const sorted = [...new Set(candidates)].sort(byNatural);
  const starts = sorted.filter((c) => c.toLowerCase().startsWith(needle));
  const contains = sorted.filter((c) => !c.toLowerCase().startsWith(needle) && c.toLowerCase().includes(needle));
  return [...starts, ...contains];
}

// "192.0.2.9" before "192.0.2.10", and "jail2" before "jail10".
const byNatural = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });
