import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FAKE_TOKENS, FakeSlack } from "../fakes/fake-slack.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { askOverSlack } from "../harness/slack-ask.js";
import { holdWriteLock } from "../harness/store-lock.js";
import { killIfRunning, spawnBanbot, type BanbotProcess } from "../harness/spawn-banbot.js";
import { useTempDir } from "../harness/temp-dir.js";

const ADMIN = "U0ADMIN";
const LOCK_MS = 30_000;

describe("banbot start with its store locked by another process", () => {
  const f2b = useFail2ban();
  const dir = useTempDir("bb-lock-");
  const connect = useClients();
  let slack: FakeSlack;
  let bot: BanbotProcess | undefined;

  beforeAll(async () => {
    slack = await FakeSlack.start();
  });
  afterAll(async () => {
    await killIfRunning(bot);
    await slack?.close();
  });

  const ask = (text: string) => askOverSlack(slack, text, ADMIN);

  it("keeps running through a 30 s lock: jobs wait, changes are refused with a clear message, reads work", { timeout: 120_000 }, async () => {
    const configFile = join(dir.path, "banbot.yaml");
    await writeFile(configFile, `access:\n  grants:\n    - role: admin\n      slack_users: [${ADMIN}]\n`);
    bot = spawnBanbot(["start"], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BANBOT_CONFIG: configFile,
      BANBOT_DATA_DIR: join(dir.path, "data"),
      BANBOT_FAIL2BAN_SOCKET: f2b.sandbox.socketPath,
      SLACK_BOT_TOKEN: FAKE_TOKENS.bot,
      SLACK_APP_TOKEN: FAKE_TOKENS.app,
      SLACK_API_URL: slack.apiUrl,
    });
    await vi.waitFor(() => expect(bot!.logs()).toContain("this BanBot runs the background jobs"), { timeout: 30_000, interval: 100 });
    await slack.socket.connected();
    const exited = bot.exited.then((code) => ({ code }));

    const lock = holdWriteLock(join(dir.path, "data", "banbot.sqlite3"), LOCK_MS);
    await lock.locked;

    // A change cannot be recorded: it is refused at once, saying why, and fail2ban is not touched.
    expect(await ask("ban 192.0.2.77 alpha")).toMatch(/store is locked by another process/);
    expect(await connect(f2b.sandbox.socketPath).fail2ban.jailsBanning(["192.0.2.77"])).toEqual([[]]);
    // Reads still answer.
    expect(await ask("status")).toMatch(/is up on/);

    // The jobs (alert delivery every 2 s, the lease every 10 s, the health check…) run into the lock
    // for its whole duration.
    const outcome = await Promise.race([lock.released.then(() => "released"), exited.then(({ code }) => `exited with ${code}`)]);
    expect(outcome).toBe("released");
    expect(bot.logs()).toContain("BanBot's store is locked by another process: background jobs wait");

    // Once released, everything works again, without a restart.
    await vi.waitFor(() => expect(bot!.logs()).toContain("BanBot's store takes writes again"), { timeout: 20_000, interval: 100 });
    expect(await ask("ban 192.0.2.77 alpha")).toMatch(/Banned/);
    expect(await connect(f2b.sandbox.socketPath).fail2ban.jailsBanning(["192.0.2.77"])).toEqual([["alpha"]]);
    expect(bot.logs()).not.toContain("another BanBot process holds the job lock");
    expect(bot.logs().split("\n").filter((line) => /"level":(50|60)/.test(line))).toEqual([]);

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
  });
});
