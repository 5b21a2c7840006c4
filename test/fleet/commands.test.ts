import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "../../src/core/identity.js";
import { FleetClient, type FleetCommand } from "../../src/fleet/front/client.js";
import { createFleetRequests } from "../../src/store/fleet-requests.js";
import { silentLog, useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import { fleetKeys, rawConnection, startTestAgent, subjects, type TestAgent } from "./fleet-harness.js";

// A real nats-server with the least-privilege config `banbot fleet-config` generates, one agent
// (web1) beside a real fail2ban-server, and the front's FleetClient. web2 has no agent running;
// "stuck" has one that takes requests and never answers.

const OPERATOR: Identity = { platform: "slack", userId: "U0OPS", userName: "ops", channelId: "C0OPS", groups: [] };
const HOSTS = ["web1", "web2", "stuck"];

describe("fleet commands (real NATS, an agent beside real fail2ban)", () => {
  const keys = fleetKeys(HOSTS);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = useFail2ban();
  const tmp = useTempDir("bbfleet-");
  const connect = useClients();
  let agent: TestAgent;
  let front: NatsConnection;
  let stuck: NatsConnection;
  let client: FleetClient;
  const banned = async (ip: string) => (await connect(f2b.sandbox.socketPath).fail2ban.jailsBanning([ip]))[0];
  const as = (role: FleetCommand["role"], extra: Partial<FleetCommand> = {}): FleetCommand => ({ actor: OPERATOR, role, confirmed: false, deadlineMs: 10_000, ...extra });

  beforeAll(async () => {
    agent = await startTestAgent({ host: "web1", socket: f2b.sandbox.socketPath, dataDir: join(tmp.path, "web1"), url: nats.server.url, seedFile: keys.seedFile(tmp.path, "web1") });
    front = await rawConnection(nats.server.url, keys.seed("front"), subjects.frontInbox);
    stuck = await rawConnection(nats.server.url, keys.seed("stuck"), subjects.agentInbox("stuck"));
    stuck.subscribe(subjects.command("stuck"));
    await stuck.flush();
    client = new FleetClient({ connection: () => front, subjects, log: silentLog });
  });
  afterAll(async () => {
    await stuck?.close();
    await front?.close();
    await agent?.stop();
  });

  it("runs a command on the agent and returns its host's reply, audited there under the front's actor", async () => {
    const [answer] = await client.run("ban 203.0.113.50 alpha", ["web1"], as("operator"));
    expect(answer).toMatchObject({ host: "web1", answered: true, outcome: "ok", repeated: false, reply: { title: "Banned 203.0.113.50 in alpha" } });
    expect(await banned("203.0.113.50")).toEqual(["alpha"]);
    const [jails] = await client.run("jails", ["web1"], as("viewer"));
    expect(jails?.answered && jails.reply.table?.rows.map((r) => r[0])).toEqual(expect.arrayContaining(["alpha", "beta"]));
    const [entry] = agent.core.services.audit.query({ limit: 1 });
    expect(entry).toMatchObject({ host: "web1", platform: "slack", userId: "U0OPS", channelId: "C0OPS", command: "ban", commandLine: "ban 203.0.113.50 alpha", outcome: "ok" });
  });

  it("names the hosts that did not answer, within the deadline", async () => {
    const started = performance.now();
    const answers = await client.run("status", ["web1", "web2", "stuck"], as("viewer", { deadlineMs: 2_000 }));
    const took = performance.now() - started;
    expect(answers.map((a) => [a.host, a.answered ? a.outcome : a.reason])).toEqual([
      ["web1", "ok"],
      ["web2", "no_agent"],
      ["stuck", "timeout"],
    ]);
    // Never longer than the deadline (plus scheduling), never shorter for the silent host.
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(4_000);
  });

  it("never runs a retried request id twice: the repeat gets the first answer", async () => {
    const id = FleetClient.newId();
    const [first] = await client.run("ban 203.0.113.51 alpha", ["web1"], as("operator", { id }));
    expect(first).toMatchObject({ answered: true, outcome: "ok", repeated: false });
    // Lifted behind BanBot's back: a second run would ban it again.
    await connect(f2b.sandbox.socketPath).fail2ban.unban("alpha", ["203.0.113.51"]);
    const [again] = await client.run("ban 203.0.113.51 alpha", ["web1"], as("operator", { id }));
    expect(again).toMatchObject({ answered: true, outcome: "ok", repeated: true, reply: { title: "Banned 203.0.113.51 in alpha" } });
    expect(await banned("203.0.113.51")).toEqual([]);
    expect(agent.core.services.audit.query({ limit: 50 }).filter((e) => e.commandLine === "ban 203.0.113.51 alpha")).toHaveLength(1);
  });

  it("runs a request once when it arrives twice at the same time", async () => {
    const id = FleetClient.newId();
    const both = await Promise.all([1, 2].map(() => client.run("ban 203.0.113.52 beta", ["web1"], as("operator", { id }))));
    expect(both.map(([a]) => a?.answered && a.repeated).sort()).toEqual([false, true]);
    expect(agent.core.services.audit.query({ limit: 50 }).filter((e) => e.commandLine === "ban 203.0.113.52 beta")).toHaveLength(1);
  });

  it("refuses a request id used before for another command", async () => {
    const id = FleetClient.newId();
    await client.run("ban 203.0.113.53 alpha", ["web1"], as("operator", { id }));
    const [other] = await client.run("ban 203.0.113.54 alpha", ["web1"], as("operator", { id }));
    expect(other).toMatchObject({ answered: true, outcome: "invalid", reply: { tone: "error" } });
    expect(await banned("203.0.113.54")).toEqual([]);
  });

  it("answers a request that was under way when the agent stopped as interrupted, without running it", async () => {
    const id = FleetClient.newId();
    createFleetRequests(agent.db).claim(id, "ban 203.0.113.55 alpha", Date.now());
    const [answer] = await client.run("ban 203.0.113.55 alpha", ["web1"], as("operator", { id }));
    expect(answer).toMatchObject({ answered: true, outcome: "interrupted", reply: { title: "Interrupted" } });
    expect(await banned("203.0.113.55")).toEqual([]);
  });

  it("goes by the role the front vouches for, and leaves confirming to the front", async () => {
    const [refused] = await client.run("ban 203.0.113.56 alpha", ["web1"], as("viewer"));
    expect(refused).toMatchObject({ answered: true, outcome: "refused", reply: { title: "Not allowed" } });
    expect(await banned("203.0.113.56")).toEqual([]);

    await client.run("ban 203.0.113.57 beta", ["web1"], as("operator"));
    const [question] = await client.run("unban-all beta", ["web1"], as("admin"));
    expect(question).toMatchObject({ answered: true, outcome: "confirm", reply: { title: "Confirm: unban-all beta", tone: "warn" } });
    expect(question?.answered && question.reply.actions).toBeUndefined();
    expect(await banned("203.0.113.57")).toEqual(["beta"]);

    const [done] = await client.run("unban-all beta", ["web1"], as("admin", { confirmed: true }));
    expect(done).toMatchObject({ answered: true, outcome: "ok" });
    expect(await banned("203.0.113.57")).toEqual([]);
  });
});
