import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderConfigReference } from "../../src/docs/config-reference.js";

describe("docs/configuration.md", () => {
  it("is the reference rendered from the current schemas (run `npm run docs` when this fails)", () => {
    const committed = readFileSync(join(import.meta.dirname, "../../docs/configuration.md"), "utf8");
    expect(committed).toBe(renderConfigReference());
  });

  it("documents every environment variable and file key", () => {
    const text = renderConfigReference();
    for (const key of ["BANBOT_FAIL2BAN_SOCKET", "SLACK_APP_TOKEN", "DISCORD_GUILD_ID", "access.grants[].discord_roles", "blocklists.allow_private_hosts", "fail2ban.config_dir"]) {
      expect(text).toContain(`\`${key}\``);
    }
  });
});
