import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { digestJob } from "../../src/jobs/digest.js";
import { useFakeBanBot } from "../harness/fake-banbot.js";

describe("digestJob", () => {
  const bot = useFakeBanBot();

  it("raises the last day's stats as one digest alert per day", async () => {
    const alerts: Alert[] = [];
    const job = digestJob({ dispatcher: bot.core.dispatcher, raise: (a) => alerts.push(a), now: () => bot.clock.now(), host: "web1" });
    await job.run();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "digest", step: "open", incident: "digest:web1:2026-11-22" });
    expect(alerts[0]!.reply.title).toMatch(/^Daily digest for web1: /);
  });
});
