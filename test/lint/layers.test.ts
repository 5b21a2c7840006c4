import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

// The project's own ESLint config (what `npm run lint` and CI run) on imports written into files of
// each layer. Type-aware rules are off: the files exist only here, and the layer rules read syntax.
const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname, overrideConfig: [tseslint.configs.disableTypeChecked] });
const LAYER_RULES = new Set(["no-restricted-imports", "no-restricted-syntax"]);

async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => m.message);
}

describe("the one-way layer rule", () => {
  it.each([
    ["src/core/history/history.ts", 'import type { X } from "../../store/history-archive.js";'],
    ["src/core/access.ts", 'import type { Grant } from "../config/file-schema.js";'],
    ["src/core/access.ts", 'import type { Config } from "../config.js";'],
    ["src/core/blocklist/apply.ts", 'import { transaction } from "../../db/transaction.js";'],
    ["src/core/chat.ts", 'import { createSlackAdapter } from "../adapters/slack/app.js";'],
    ["src/core/dispatch.ts", 'export { runDoctor } from "../cli/doctor.js";'],
    ["src/core/alerts/health.ts", 'import type { Scheduler } from "../../jobs/scheduler.js";'],
    ["src/core/services.ts", 'import type { Metrics } from "../ops/metrics.js";'],
    ["src/core/services.ts", 'import { COMMANDS } from "../../commands/index.js";'],
    ["src/core/history/history.ts", 'const m = await import("../../store/history-archive.js");'],
    ["commands/ban.ts", 'import type { TimedBans } from "../src/store/timed-bans.js";'],
    ["commands/ban.ts", 'import { ALERT_KINDS } from "../src/config/file-schema.js";'],
    ["commands/ban.ts", 'import { transaction } from "../src/db/transaction.js";'],
    ["commands/ban.ts", 'import { renderReply } from "../src/adapters/slack/render.js";'],
    ["src/store/outbox.ts", 'import type { Config } from "../config.js";'],
    ["src/db/open.ts", 'import { createAuditLog } from "../store/audit-log.js";'],
    ["src/db/open.ts", 'import type { Config } from "../config.js";'],
    ["src/store/outbox.ts", 'import { renderReply } from "../adapters/slack/render.js";'],
    ["commands/ban.ts", 'const m = await import("../src/store/timed-bans.js");'],
    ["src/core/history/history.ts", "const m = await import(`../../store/history-archive.js`);"],
    ["src/core/access.ts", 'type G = import("../config/file-schema.js").Grant;'],
    ["src/fleet/agent/agent.ts", 'import { createSlackAdapter } from "../../adapters/slack/app.js";'],
    ["src/fleet/front/front.ts", 'import { unban } from "../../../commands/unban.js";'],
    ["src/fleet/wire.ts", 'import { createChatAdapters } from "../adapters/index.js";'],
    ["src/core/fleet/aggregate.ts", 'import type { HostAnswer } from "../../fleet/front/client.js";'],
  ])("refuses, in %s, %s", async (file, code) => {
    expect(await refusals(file, code)).toEqual([expect.stringMatching(/Upward import: /)]);
  });

  // Parses some 200 files: seconds alone, more while the rest of the suite runs beside it.
  it("finds no upward import in the project's own layers", { timeout: 60_000 }, async () => {
    const results = await eslint.lintFiles(["src/core", "commands", "src/store", "src/db", "src/fleet"]);
    const upward = results.flatMap((r) => r.messages.filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(results.length).toBeGreaterThan(100);
    expect(upward).toEqual([]);
  });

  it("refuses a path that climbs back out of a folder, which it could not judge", async () => {
    expect(await refusals("src/core/access.ts", 'import { x } from "./fail2ban/../../store/x.js";')).toEqual([expect.stringMatching(/without `\.\.` after a folder name/)]);
  });

  it.each([
    ["src/core/history/history.ts", 'import type { HistoryArchive } from "../ports/history-archive.js";'],
    ["src/core/history/history.ts", 'import { prepareEvents } from "./prepare.js";'],
    ["src/core/access.ts", 'import { z } from "zod";'],
    ["src/core/blocklist/build.ts", 'const m = await import("./guarded-agent.js");'],
    ["commands/ban.ts", 'import type { Ctx } from "../src/core/services.js";'],
    ["commands/index.ts", 'import { ban } from "./ban.js";'],
    ["src/store/outbox.ts", 'import type { Outbox } from "../core/ports/outbox.js";\nimport { transaction } from "../db/transaction.js";'],
    ["src/jobs/build.ts", 'import { ownBansQuery } from "../store/own-bans.js";'],
    ["src/adapters/index.ts", 'import type { Config } from "../config.js";'],
    ["src/fleet/agent/agent.ts", 'import type { Core } from "../../compose.js";\nimport { buildScheduler } from "../../jobs/build.js";\nimport { createFleetRequests } from "../../store/fleet-requests.js";'],
    ["src/fleet/wire.ts", 'import type { Config } from "../config.js";\nimport type { Reply } from "../core/reply.js";'],
  ])("allows, in %s, %s", async (file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
