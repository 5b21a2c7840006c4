import { describe, expect, it } from "vitest";
import type { SandboxJail } from "../../../src/sandbox/fail2ban-sandbox.js";
import { useBanBot } from "../../harness/banbot.js";
import { buttonId, componentsOf, textOf, useDiscord, type Callback } from "./harness.js";
import { GRANTS_YAML, VIEWER } from "./users.js";

const MESSAGE = "900000000000000300";
const NAMES = Array.from({ length: 30 }, (_, i) => `jail${String(i + 1).padStart(2, "0")}`);
const JAILS: SandboxJail[] = NAMES.map((name) => ({ name, failregex: [`^FAIL ${name} from <HOST>$`], maxretry: 3, findtime: 3600, bantime: 3600 }));

// Issue 19: `jails` with 30 jails said "3 of 30 rows not shown" and offered no paging. Through the
// real Discord adapter against the fake Discord, on a real fail2ban with 30 jails.
describe("`/f2b jails` with 30 jails on Discord", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML, jails: JAILS });
  // Reading 30 jails from fail2ban can pass the 1.5 s after which a reply is deferred on a busy
  // machine; this test reads the pages from the callbacks (deferral is deferred.test.ts's).
  const discord = useDiscord({ core: () => bot.core, timing: { deferAfterMs: 15_000 } });

  it("pages with Next and Prev through every row, a Banned button beside each, and never cuts rows", { timeout: 60_000 }, async () => {
    const footer = (c: Callback) => textOf(c.data ?? {}).split("\n").find((l) => l.startsWith("-# Rows"));
    const rowsOf = (c: Callback) => componentsOf(c.data!).filter((x) => x.type === 9);
    const seen: string[] = [];
    const footers: string[] = [];
    let view = await discord.slash(VIEWER, { subcommand: "jails" });
    const first = view;
    for (let i = 0; i < 10; i++) {
      expect(textOf(view.data ?? {})).not.toMatch(/rows not shown/);
      footers.push(footer(view) ?? "");
      for (const row of rowsOf(view)) {
        const jail = /^(jail\d\d)\b/.exec(row.components?.[0]?.content ?? "")?.[1];
        expect(row.accessory?.label).toBe(`Banned ${jail}`);
        seen.push(jail!);
      }
      if (!componentsOf(view.data!).some((c) => c.type === 2 && c.label === "Next")) break;
      view = await discord.click(VIEWER, { customId: buttonId(view, "Next"), messageId: MESSAGE, v2: true });
      expect(view.type).toBe(7);
    }
    expect(footers[0]).toBe("-# Rows 1–11 of 30");
    expect(footers.at(-1)).toMatch(/^-# Rows \d+–30 of 30$/);
    expect(seen).toEqual(NAMES);

    // Prev from the last view goes back to the one before it.
    const back = await discord.click(VIEWER, { customId: buttonId(view, "Prev"), messageId: MESSAGE, v2: true });
    expect(footer(back)).toBe(footers.at(-2));
    expect(first.data?.flags).toBe(1 << 15);
  });
});
