import { describe, expect, it, vi } from "vitest";
import { resultOf, useSlackBot } from "./harness.js";

type Message = Record<string, unknown>;
const types = (message: Message) => ((message.blocks ?? []) as { type: string }[]).map((b) => b.type);

// Only Slack's answer tells a refusal of the blocks from any other refusal: a response_url that
// answers 400 for another reason must not cost the workspace its data tables.
describe("a response_url's 400 that is not about the blocks, through bolt", () => {
  const s = useSlackBot({ mode: "http" });

  it("keeps the data tables for the workspace and sends nothing again without them", async () => {
    s.fake.failNext({ target: "/hooks/", status: 400, error: "no_text" });
    const refused = await s.slack.slash("jails");
    const sent = await vi.waitFor(() => {
      const got = s.fake.responses(refused.responseUrl);
      if (got.length < 2) throw new Error(`the failure report has not come yet: ${JSON.stringify(got).slice(0, 1500)}`);
      return got;
    }, { timeout: 15_000, interval: 20 });
    expect(types(sent[0]!)).toContain("data_table");
    // The refused reply was not taken for a refusal of its blocks and sent again as a text table.
    expect(sent.slice(1).some((m) => types(m).includes("section") && !types(m).includes("data_table") && /```/.test(JSON.stringify(m)))).toBe(false);

    const next = await resultOf(s.fake, await s.slack.slash("jails"));
    expect(types(next)).toContain("data_table");
    expect(s.fake.refusedBlocks).toHaveLength(0);
  });
});
