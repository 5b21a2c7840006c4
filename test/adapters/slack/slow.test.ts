import { rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findButton } from "../../fakes/fake-slack-payloads.js";
import { ACCESS_YAML, replyTo, responsesTo, textOf, USERS, useSlackBot, type Mode } from "./harness.js";

/** A Unix socket that accepts connections and never answers: fail2ban at its most stuck. */
function useSilentSocket(): string {
  const path = join(tmpdir(), `bb-silent-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sock`);
  const open = new Set<Socket>();
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer((socket) => {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    });
    await new Promise<void>((resolve) => server!.listen(path, resolve));
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await rm(path, { force: true });
  });
  return path;
}

const yaml = (results: string) => `${ACCESS_YAML}
fail2ban:
  timeout: 3s
`.replace("commands:\n", `commands:\n  results: ${results}\n`);

describe.each<[Mode, string]>([
  ["http", "ephemeral"],
  ["socket", "in_channel"],
])("a slow fail2ban (%s mode, %s results)", (mode, results) => {
  const socket = useSilentSocket();
  const s = useSlackBot({ mode, yaml: yaml(results), env: { BANBOT_FAIL2BAN_SOCKET: socket } });

  it("acknowledges at once, shows progress, then replaces it with the result", async () => {
    const sent = await s.slack.slash("status", { user: USERS.viewer });
    expect(sent.ackMs).toBeLessThan(1000);
    const [progress, result] = await responsesTo(s.fake, sent, 2);
    expect(progress).toMatchObject({ response_type: results, text: "⏳ Working on `status`…" });
    expect(result).toMatchObject({ response_type: results, replace_original: true });
    expect(textOf(result!)).toMatch(/fail2ban is not answering/);
  });

  it("posts a private error anew when the progress message was for everyone", async () => {
    const sent = await s.slack.slash("ban 192.0.2.9 alpha", { user: USERS.admin });
    expect(sent.ackMs).toBeLessThan(1000);
    const expected =
      results === "in_channel"
        ? [{ response_type: "in_channel" }, { delete_original: true }, { response_type: "ephemeral" }]
        : [{ response_type: "ephemeral" }, { response_type: "ephemeral", replace_original: true }];
    const got = await responsesTo(s.fake, sent, expected.length);
    expect(got).toMatchObject(expected);
    expect(textOf(got.at(-1)!)).toMatch(/fail2ban/);
  });

  it("shows progress on a slow click in place of the message only the clicker sees", async () => {
    const question = await replyTo(s.fake, await s.slack.slash("unban-all alpha", { user: USERS.admin }));
    expect(textOf(question)).toMatch(/could not work out what this changes \(fail2ban is slow to answer\); confirm only if you mean it/);
    // The question gave up counting the bans, but its request still holds fail2ban's connection
    // until the 3 s timeout; clicked after that, the click's own request is the slow one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const sent = await s.slack.click(findButton(question, "Confirm"), { user: USERS.admin, ephemeral: true });
    expect(sent.ackMs).toBeLessThan(1000);
    const [progress, result] = await responsesTo(s.fake, sent, 2);
    expect(progress).toMatchObject({ replace_original: true, text: "⏳ Working on `unban-all alpha`…" });
    expect(result).toMatchObject({ replace_original: true });
    expect(textOf(result!)).toMatch(/fail2ban/);
  });
});
