import { describe, expect, it } from "vitest";
import { useBanBot } from "../../harness/banbot.js";
import { embedOf, useDiscord, type Callback } from "./harness.js";
import { GRANTS_YAML, VIEWER } from "./users.js";
import { capturedLog } from "../../harness/client.js";

// A listener that throws is not caught by discord.js; these would fail the run as unhandled errors.
describe("Discord adapter failures", () => {
  const bot = useBanBot({ yaml: GRANTS_YAML });
  const capture = capturedLog();
  let broken = false;
  const discord = useDiscord({
    core: () => bot.core,
    // The real dispatcher, unless a test breaks it to play a bug in BanBot.
    dispatcher: () => ({
      run: (line, who) => (broken ? Promise.reject(new Error("bug")) : bot.core.dispatcher.run(line, who)),
      mayRun: (who, command) => bot.core.dispatcher.mayRun(who, command),
    }),
    log: capture.log,
  });
  const callbacks = (id: string) => discord.fake.requests.filter((r) => r.path.startsWith(`/api/v10/interactions/${id}/`));

  it("GIVEN Discord refuses the reply THEN logs it with an incident id and tells the user so", async () => {
    discord.fake.failNext({ method: "POST", path: /\/callback$/, status: 400, body: { message: "Invalid Form Body", code: 50035 } });
    const { id } = discord.slashRaw(VIEWER, { subcommand: "status" });
    await expect.poll(() => callbacks(id).length, { timeout: 5000 }).toBe(2);
    const retry = callbacks(id)[1]!.body as Callback;
    expect(embedOf(retry)?.title).toBe("Something went wrong");
    const entry = capture.entries.find((e) => e.msg === "discord interaction failed" && e.interaction === id);
    expect(entry).toMatchObject({ level: 50, interaction: id, userId: VIEWER.id, err: { message: expect.stringMatching(/Invalid Form Body/) } });
    expect(embedOf(retry)?.description).toContain(`ref \`${String(entry?.incident)}\``);
  });

  it("GIVEN a bug below the adapter THEN answers with an incident id instead of crashing", async () => {
    broken = true;
    try {
      const callback = await discord.slash(VIEWER, { subcommand: "status" });
      expect(callback.data?.flags).toBe(64);
      expect(embedOf(callback)?.description).toMatch(/^Something went wrong \\\(ref `[0-9a-f]{6}`\\\)/);
    } finally {
      broken = false;
    }
  });

  it("GIVEN Discord is unreachable for the answer too THEN only logs, and keeps serving", async () => {
    const fault = { method: "POST", path: /\/callback$/, status: 403, body: { message: "Missing Access", code: 50001 } };
    discord.fake.failNext(fault);
    discord.fake.failNext(fault);
    const { id } = discord.slashRaw(VIEWER, { subcommand: "status" });
    await expect.poll(() => capture.entries.some((e) => e.msg === "could not tell the user about a failed interaction"), { timeout: 5000 }).toBe(true);
    expect(callbacks(id)).toHaveLength(2);
    expect((await discord.slash(VIEWER, { subcommand: "status" })).type).toBe(4);
  });
});
