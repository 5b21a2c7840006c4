import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";

const ROOT = join(import.meta.dirname, "../../..");
const CHANNEL = "333333333333333333";

// Its own process: which undici loads first is a fact of the whole process, not of one test file.
describe("Discord posts with files whichever undici loaded first", () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start(FAKE_GUILD);
  });
  afterAll(async () => {
    await fake.close();
  });

  it("posts an alert with its chart after BanBot's undici took the process-wide dispatcher", async () => {
    const script = join(ROOT, "test/fixtures/discord-post-after-undici.ts");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, fake.apiUrl, CHANNEL, FAKE_GUILD.applicationId], { cwd: ROOT });
    expect(JSON.parse(stdout)).toMatchObject({ platform: "discord", channel: CHANNEL });
    const [create] = fake.requests.filter((r) => r.method === "POST" && r.path === `/api/v10/channels/${CHANNEL}/messages`);
    expect(create?.body).toMatchObject({ attachments: [{ id: "0", filename: "spike-sshd.png" }] });
  });
});
