import type { ImportProgress } from "../src/core/blocklist/apply.js";
import { describeProgress, describeRun } from "../src/core/blocklist/describe.js";
import { defineCommand } from "../src/core/command/model.js";
import type { Ctx } from "../src/core/services.js";

export const blocklistImport = defineCommand({
  path: ["blocklist", "import"],
  summary: "Import a blocklist now; dry-run shows the diff without touching fail2ban",
  examples: ["blocklist import drop", "blocklist import drop dry-run"],
  options: [
    { name: "name", kind: "text", required: true, description: "the source" },
    { name: "mode", kind: "enum", values: ["dry-run"], description: "show the diff, change nothing" },
  ],
  role: "operator",
  effect: "change",
  async run({ name, mode }, { blocklists, alerts, progress }: Ctx<"blocklists" | "alerts">) {
    const report = await blocklists.runImport(name, { dryRun: mode === "dry-run", trigger: "manual", progress: progress && tenths(name, progress) });
    alerts.blocklistRun(report);
    return describeRun(report);
  },
});

// A 50,000-entry list is 50 chunks; chat surfaces edit one message per update, so only every tenth
// of each phase is worth a line.
function tenths(name: string, progress: (text: string) => void): (p: ImportProgress) => void {
  let last = { phase: "", step: -1 };
  return (p) => {
    const step = Math.floor((p.done / Math.max(1, p.total)) * 10);
    if (p.phase === last.phase && step === last.step) return;
    last = { phase: p.phase, step };
    progress(describeProgress(name, p));
  };
}
