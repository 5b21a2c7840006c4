import type { SandboxJail } from "../sandbox/fail2ban-sandbox.js";

export interface DemoJail extends SandboxJail {
  /** A log line the jail's filter counts as one failure of `ip`. */
  line(ip: string): string;
}

// Shaped after the stock sshd, nginx-http-auth and postfix-sasl filters, without timestamps: the
// sandbox reads lines with `datepattern = {NONE}`, so "now" is the time of each failure.
export const DEMO_JAILS: readonly DemoJail[] = [
  {
    name: "sshd",
    failregex: ["^Failed password for (?:invalid user )?\\S+ from <HOST> port \\d+ ssh2$"],
    maxretry: 3,
    findtime: 600,
    bantime: 3600,
    line: (ip) => `Failed password for invalid user ${pick(["admin", "root", "oracle", "test"])} from ${ip} port ${40000 + Math.floor(Math.random() * 20000)} ssh2`,
  },
  {
    name: "nginx-http-auth",
    failregex: ['^user "\\S+" was not found in "\\S+", client: <HOST>, server: \\S+, request: "[A-Z]+ \\S+ HTTP/1\\.[01]"$'],
    maxretry: 4,
    findtime: 600,
    bantime: 1800,
    line: (ip) => `user "${pick(["admin", "wp", "guest"])}" was not found in "/etc/nginx/.htpasswd", client: ${ip}, server: example.org, request: "GET /admin HTTP/1.1"`,
  },
  {
    name: "postfix-sasl",
    failregex: ["^warning: unknown\\[<HOST>\\]: SASL (?:LOGIN|PLAIN) authentication failed: \\S+$"],
    maxretry: 3,
    findtime: 600,
    bantime: 7200,
    line: (ip) => `warning: unknown[${ip}]: SASL LOGIN authentication failed: ${pick(["UGFzc3dvcmQ6", "authentication"])}`,
  },
];

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
