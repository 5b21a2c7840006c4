import { describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { checkBlocklistRun, scheduledImportAudit } from "../../../src/core/alerts/blocklist.js";
import type { RunReport } from "../../../src/core/blocklist/blocklists.js";
import { createAlertState } from "../../../src/store/alert-state.js";
import { migratedStore } from "../../harness/store.js";

const SOURCE = { name: "feed", jail: "beta" };

function report(outcome: RunReport["outcome"], changed = { added: 0, renewed: 0, removed: 0 }): RunReport {
  const counts = { bytes: 10, fetched: 2, valid: 2, invalid: 0, invalidSample: [], duplicates: 0, skipped: 0, skippedDetail: {}, unchanged: 0 };
  return { source: "feed", jail: "beta", outcome, ...counts, ...changed, durationMs: 5, ...(outcome === "failed" ? { error: "HTTP 500" } : {}) };
}

describe("blocklist failure alerts", () => {
  it("opens one incident when a source starts failing, none while it keeps failing, and resolves it when it imports again", () => {
    const alerts: Alert[] = [];
    let now = 1_000;
    const deps = { state: createAlertState(migratedStore()), raise: (a: Alert) => alerts.push(a), now: () => now, host: "web1" };
    checkBlocklistRun(deps, SOURCE, report("ok"));
    expect(alerts).toEqual([]);
    checkBlocklistRun(deps, SOURCE, report("failed"));
    now += 60_000;
    checkBlocklistRun(deps, SOURCE, report("failed"));
    checkBlocklistRun(deps, SOURCE, report("unchanged"));
    checkBlocklistRun(deps, SOURCE, report("unchanged"));
    expect(alerts.map((a) => [a.step, a.jail, a.incident, a.reply.title])).toEqual([
      ["open", "beta", "blocklist:web1:feed:1000", "Import of feed failed"],
      ["resolve", "beta", "blocklist:web1:feed:1000", "Blocklist feed imports again"],
    ]);
    expect(alerts[0]!.reply.actions).toEqual([{ label: "Details", command: "blocklists feed" }]);
  });

  it("audits scheduled runs that failed or changed fail2ban, and no others", () => {
    expect(scheduledImportAudit("web1", SOURCE, report("unchanged"), 1_000)).toBeUndefined();
    expect(scheduledImportAudit("web1", SOURCE, report("failed"), 1_000)).toMatchObject({ at: 1_000, host: "web1", outcome: "error", commandLine: "blocklist-import feed" });
    expect(scheduledImportAudit("web1", SOURCE, report("ok", { added: 0, renewed: 0, removed: 3 }), 1_000)).toMatchObject({ outcome: "ok", userId: "scheduler" });
  });
});
