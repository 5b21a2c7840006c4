import { DEMO_JAILS } from "./jails.js";

/** What the demo says first: what is running, that the traffic is synthetic, and what to try. */
export function demoBanner(socketPath: string, attacker: string): string {
  return [
    `fail2ban sandbox up with jails ${DEMO_JAILS.map((j) => j.name).join(", ")} (its socket: ${socketPath}).`,
    "The attacks hitting them are synthetic: random public addresses from BanBot's built-in country database,",
    "not real attackers, banned by a sandbox action that touches no firewall. Their countries and AS numbers",
    "are what the built-in databases say (ip-location-db: CC0; its asn table CC BY 4.0 by RouteViews, NRO, DB-IP).",
    "BanBot's background jobs run as under `banbot start`: timed bans are lifted, and alerts (a wave of",
    "attacks on one jail soon raises a ban spike) appear here with numbered buttons.",
    `Try: jails, banned sshd, top countries, top asns, ip ${attacker}, ban ${attacker} sshd for 2m, history, stats 24h, alerts test`,
  ].join("\n");
}
