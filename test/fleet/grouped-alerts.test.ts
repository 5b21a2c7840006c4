import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { hostAlertsIntoRouting } from "../../src/fleet/front/front.js";
import { buildScheduler } from "../../src/jobs/build.js";
import type { Scheduler } from "../../src/jobs/scheduler.js";
import { startPostingFakes } from "../harness/alert-adapters.js";
import { silentLog } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import type { FakeSlack } from "../fakes/fake-slack.js";
import { fleetKeys, startTestAgent, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// Agents' health and spike alerts grouped on the front, through the real path: each agent's outbox,
// JetStream, the front's durable consumer and intake, its outbox, and the bolt adapter posting to a
// fake Slack. Several hosts failing together are one post, edited as they join and recover.

const HOSTS = ["web1", "web2", "db1"] as const;

interface Queued {
  key: string;
  mode: string;
  title: string;
  fields?: { label: string; value: string }[];
}

describe("agents' alerts grouped across hosts (real NATS, three agents, the front, a fake Slack)", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = useFail2ban();
  const tmp = useTempDir("bbfleet-group-");
  const agents = new Map<string, TestAgent>();
  let front: TestFront;
  let scheduler: Scheduler;
  let slack: FakeSlack;
  let closeFakes: () => Promise<void>;

  /** The front's outbox, oldest first, for incidents whose key contains `part`. */
  const queued = (part: string): Queued[] =>
    front.db
      .prepare<[string], { key: string; mode: string; reply: string }>("SELECT dedupe_key AS key, mode, reply FROM outbox WHERE dedupe_key LIKE ? ORDER BY id")
      .all(`%${part}%`)
      .map((r) => {
        const reply = JSON.parse(r.reply) as { title: string; fields?: Queued["fields"] };
        return { key: r.key, mode: r.mode, title: reply.title, ...(reply.fields ? { fields: reply.fields } : {}) };
      });
  const raise = (host: string, alert: Alert) => agents.get(host)!.core.services.alerts.raise(alert);
  const down = (host: string, at: number): Alert => ({
    kind: "health",
    incident: `health:${host}:${at}`,
    step: "open",
    reply: { title: `fail2ban is not answering on ${host}`, tone: "error", text: "Its socket is missing: is fail2ban running?", actions: [{ label: "Status", command: "status" }] },
  });
  const up = (host: string, at: number): Alert => ({ kind: "health", incident: `health:${host}:${at}`, step: "resolve", reply: { title: `fail2ban is answering again on ${host}`, tone: "ok", text: "The outage lasted 2m." } });
  const deliver = async (count: number, part: string) => {
    await vi.waitFor(() => expect(queued(part)).toHaveLength(count), { timeout: 15_000, interval: 100 });
    await scheduler.runNow("alert-delivery");
  };

  beforeAll(async () => {
    for (const host of HOSTS) {
      const agent = await startTestAgent({ host, socket: f2b.sandbox.socketPath, dataDir: join(tmp.path, host), url: nats.server.url, seedFile: keys.seedFile(tmp.path, host) });
      agents.set(host, agent);
    }
    front = await startTestFront({ dataDir: join(tmp.path, "front"), url: nats.server.url, seedFile: keys.seedFile(tmp.path, "front"), socket: "/nonexistent/fail2ban.sock", hosts: [...HOSTS] });
    await front.front.connected();
    const fakes = await startPostingFakes();
    slack = fakes.slack;
    closeFakes = fakes.close;
    // The delivery job, run by hand: posts what the intake queued through the real bolt adapter.
    scheduler = buildScheduler(front.config, front.core, [fakes.adapters.get("slack")!], silentLog, { fleet: front.front.hosts });
    expect(scheduler.claim()).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await scheduler?.stop();
    await front?.stop();
    for (const agent of agents.values()) await agent.stop();
    await closeFakes?.();
  });

  it("makes three hosts' fail2ban outages one post, edited as hosts join and recover, resolved with the last", async () => {
    const t = 1_000;
    raise("web1", down("web1", t));
    await deliver(1, `:${t}:`);
    expect(queued(`:${t}:`)).toEqual([{ key: `web1/health:web1:${t}:open:slack:C0FLEET`, mode: "post", title: "fail2ban is not answering on web1" }]);

    raise("web2", down("web2", t));
    await deliver(2, `:${t}:`);
    raise("db1", down("db1", t));
    await deliver(3, `:${t}:`);
    const joined = queued(`:${t}:`).at(-1)!;
    expect(joined).toMatchObject({ key: `web1/health:web1:${t}:update:2:slack:C0FLEET`, mode: "replace", title: "fail2ban is not answering on 3 hosts" });
    // Each host named with its own state.
    expect(joined.fields?.map((f) => f.label)).toEqual(["web1", "web2", "db1"]);
    expect(joined.fields?.[1]?.value).toMatch(/^fail2ban is not answering on web2 \(since .+\): Its socket is missing: is fail2ban running\?$/);

    raise("web2", up("web2", t));
    await deliver(4, `:${t}:`);
    const partly = queued(`:${t}:`).at(-1)!;
    expect(partly.title).toBe("fail2ban is not answering on 2 of 3 hosts");
    expect(partly.fields?.[1]?.value).toMatch(/^fail2ban is answering again on web2 \(recovered .+\): The outage lasted 2m\.$/);

    raise("web1", up("web1", t));
    raise("db1", up("db1", t));
    await deliver(6, `:${t}:`);
    const over = queued(`:${t}:`).at(-1)!;
    expect(over).toMatchObject({ key: `web1/health:web1:${t}:resolve:slack:C0FLEET`, mode: "follow_up", title: "Over on all 3 hosts: web1, web2, db1" });

    // In Slack: one post, edited in place four times, and the resolution in its thread.
    const posts = slack.channels.get("C0FLEET") ?? [];
    // Found by the key each post carries in its metadata; every other message in the channel is another test's.
    const top = posts.filter((m) => m.thread_ts === undefined && JSON.stringify(m.metadata).includes(`health:web1:${t}:`));
    expect(top).toHaveLength(1);
    expect(posts.filter((m) => m.thread_ts === top[0]!.ts)).toHaveLength(1);
    expect(slack.calls("chat.update").filter((c) => c.args.ts === top[0]!.ts)).toHaveLength(4);
  });

  it("keeps a lone host's alert as it was, and a spike in another jail apart from one in this jail", async () => {
    const t = 2_000;
    const spike = (host: string, jail: string, step: Alert["step"], seq?: number): Alert => ({
      kind: "spike",
      jail,
      incident: `spike:${host}:${jail}:${t}`,
      step,
      ...(seq === undefined ? {} : { seq }),
      reply: { title: step === "resolve" ? `Ban spike in ${jail} is over` : `Ban spike in ${jail} on ${host}`, tone: step === "resolve" ? "ok" : "warn" },
    });
    raise("web1", spike("web1", "sshd", "open"));
    raise("web2", spike("web2", "nginx", "open"));
    await deliver(2, `:${t}:`);
    raise("web1", spike("web1", "sshd", "update", 1));
    raise("web1", spike("web1", "sshd", "resolve"));
    raise("web2", spike("web2", "nginx", "resolve"));
    await deliver(5, `:${t}:`);
    expect(queued(`:${t}:`).map((q) => `${q.key.replace(":slack:C0FLEET", "")} ${q.title}`).sort()).toEqual(
      [
        `web1/spike:web1:sshd:${t}:open Ban spike in sshd on web1`,
        `web1/spike:web1:sshd:${t}:update:1 Ban spike in sshd on web1`,
        `web1/spike:web1:sshd:${t}:resolve web1: Ban spike in sshd is over`,
        `web2/spike:web2:nginx:${t}:open Ban spike in nginx on web2`,
        `web2/spike:web2:nginx:${t}:resolve web2: Ban spike in nginx is over`,
      ].sort(),
    );
  });

  it("takes an agent's event that comes again (a lost acknowledgement) once, from its memory in the store", async () => {
    const t = 3_000;
    // One after the other: two agents' events reach the front in any order.
    raise("web1", down("web1", t));
    await deliver(1, `:${t}:`);
    raise("web2", down("web2", t));
    await deliver(2, `:${t}:`);
    raise("web1", up("web1", t));
    await deliver(3, `:${t}:`);
    raise("web2", up("web2", t));
    await deliver(4, `:${t}:`);
    // The same events again, as JetStream redelivers one whose acknowledgement was lost, to a new
    // intake as a restarted front builds it: what it remembers is in the store.
    const intake = hostAlertsIntoRouting(front.core, () => {});
    intake("web2", up("web2", t));
    intake("web1", down("web1", t));
    expect(queued(`:${t}:`).map((q) => [q.mode, q.title])).toEqual([
      ["post", "fail2ban is not answering on web1"],
      ["replace", "fail2ban is not answering on 2 hosts"],
      ["replace", "fail2ban is not answering on 1 of 2 hosts"],
      ["follow_up", "Over on all 2 hosts: web1, web2"],
    ]);
  });
});
