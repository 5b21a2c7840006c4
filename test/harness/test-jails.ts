import type { SandboxJail } from "../../src/sandbox/fail2ban-sandbox.js";

// Kept apart from the vitest helpers so that plain scripts (fixture capture, benchmarks) can use
// the same jails without importing vitest. Long bantime/findtime: nothing expires mid-test.
export const TEST_JAILS: readonly SandboxJail[] = [
  { name: "alpha", failregex: ["^FAIL login from <HOST>$"], maxretry: 3, findtime: 3600, bantime: 3600 },
  { name: "beta", failregex: ["^BAD request from <HOST>$"], maxretry: 2, findtime: 3600, bantime: 3600 },
];
