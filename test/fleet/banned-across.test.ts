import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_IDENTITY } from "../../src/core/identity.js";
import type { Reply } from "../../src/core/reply.js";
import { useClients } from "../harness/client.js";
import { useFail2ban } from "../harness/fail2ban.js";
import { useNats } from "../harness/nats.js";
import { useTempDir } from "../harness/temp-dir.js";
import { fleetKeys, startTestAgents, startTestFront, type TestAgent, type TestFront } from "./fleet-harness.js";

// `banned <jail> on all` over a real fleet: two agents, each beside its own real fail2ban-server
// (so each host has bans of its own), and the front's dispatcher. One table under a host column,
// and every button (a row's Unban, a host's Next page) aimed at the host it came from.

const HOSTS = ["web1", "web2"] as const;
const WEB1 = Array.from({ length: 17 }, (_, i) => `203.0.113.${i + 10}`);
const WEB2 = ["198.51.100.7", "198.51.100.8"];
// Banned on both, last: the newest ban of each.
const SHARED = "198.51.100.200";

describe("banned <jail> on all (real NATS, two agents, two real fail2bans)", () => {
  const keys = fleetKeys([...HOSTS]);
  const nats = useNats({ config: (dir) => keys.serverConfig(dir) });
  const f2b = { web1: useFail2ban(), web2: useFail2ban() };
  const tmp = useTempDir("bbfleet-banned-");
  const connect = useClients();
  let agents: Map<string, TestAgent> | undefined;
  let front: TestFront;

  const run = (line: string): Promise<Reply> => front.core.dispatcher.run(line, CONSOLE_IDENTITY);
  const banning = async (host: (typeof HOSTS)[number], ip: string) => (await connect(f2b[host].sandbox.socketPath).fail2ban.jailsBanning([ip]))[0];

  beforeAll(async () => {
    agents = await startTestAgents(HOSTS, {
      url: nats.server.url,
      socket: (h) => f2b[h as (typeof HOSTS)[number]].sandbox.socketPath,
      dataDir: (h) => join(tmp.path, h),
      seedFile: (h) => keys.seedFile(tmp.path, h),
    });
    front = await startTestFront({
      dataDir: join(tmp.path, "front"),
      url: nats.server.url,
      seedFile: keys.seedFile(tmp.path, "front"),
      socket: "/nonexistent/fail2ban.sock",
      hosts: [...HOSTS],
      fleetYaml: "  deadline: 2s\n",
    });
    await front.front.connected();
    for (const ip of WEB1) expect((await run(`ban ${ip} alpha on web1`)).tone).toBe("ok");
    for (const ip of WEB2) expect((await run(`ban ${ip} alpha on web2`)).tone).toBe("ok");
    expect((await run(`ban ${SHARED} alpha on web1,web2`)).tone).toBe("ok");
  }, 60_000);
  afterAll(async () => {
    await front?.stop();
    for (const agent of agents?.values() ?? []) await agent.stop();
  });

  /** The addresses a joined reply lists under `host`, in its order. */
  const under = (reply: Reply, host: string) => reply.table!.rows.filter((r) => r[0] === host).map((r) => r[1]);

  it("lists each host's bans under a host column, each row's Unban aimed at its own host", async () => {
    const reply = await run("banned alpha on all");
    expect(reply.title).toBe("banned alpha on 2 hosts");
    expect(reply.table?.columns).toEqual(["host", "address", "country", "banned", "ends"]);
    // A page of web1's 18 (its newest ban first), and all of web2's 3.
    const web1 = under(reply, "web1");
    expect(web1).toHaveLength(15);
    expect(web1[0]).toBe(SHARED);
    expect([...WEB1, SHARED]).toEqual(expect.arrayContaining(web1));
    expect(under(reply, "web2").sort()).toEqual([...WEB2, SHARED].sort());
    expect(reply.table?.rows.map((r) => r[0])).toEqual([...Array<string>(15).fill("web1"), ...Array<string>(3).fill("web2")]);
    expect(reply.table?.rowActions).toEqual(reply.table?.rows.map((r) => ({ label: "Unban", command: `unban ${r[1]} alpha on ${r[0]}` })));
    expect(reply.notes).toEqual(["web1: page 1 of 2, 18 in all.", "web2: page 1 of 1, 3 in all."]);
  });

  it("offers the next page only of the host that has one, and it is that host's next page", async () => {
    const first = await run("banned alpha on all");
    expect(first.actions?.map((a) => a.label)).toEqual(["Next on web1"]);
    const next = first.actions![0]!;
    expect(next.command).toMatch(/^banned alpha after \S+ on web1$/);
    const page2 = await run(next.command);
    expect(page2.title).toBe("web1: 18 banned in alpha");
    const rest = page2.table!.rows.map((r) => r[0]);
    expect(rest).toHaveLength(3);
    // The two pages are web1's list, each address once; nothing of web2 in it.
    expect([...under(first, "web1"), ...rest].sort()).toEqual([...WEB1, SHARED].sort());
    expect(page2.table?.rowActions?.map((a) => a?.command)).toEqual(rest.map((ip) => `unban ${ip} alpha on web1`));
    // Back stays on web1 too.
    expect(page2.paging).toMatchObject({ page: 2, pages: 2, total: 18, next: undefined, prev: { command: expect.stringMatching(/^banned alpha before \S+ on web1$/) } });
    expect((await run(page2.paging!.prev!.command)).table?.rows.map((r) => r[0])).toEqual(under(first, "web1"));
  });

  it("unbans an address banned on both hosts only where the clicked row is", async () => {
    const reply = await run("banned alpha on all");
    const row = reply.table!.rows.findIndex((r) => r[0] === "web2" && r[1] === SHARED);
    const unban = reply.table!.rowActions![row]!;
    expect(unban.command).toBe(`unban ${SHARED} alpha on web2`);
    try {
      expect((await run(unban.command)).title).toBe(`web2: Unbanned ${SHARED} in alpha`);
      expect([await banning("web1", SHARED), await banning("web2", SHARED)]).toEqual([["alpha"], []]);
      const after = await run("banned alpha on all");
      expect(under(after, "web2").sort()).toEqual([...WEB2].sort());
      expect(under(after, "web1")).toContain(SHARED);
    } finally {
      // As the other tests expect it, whatever order they run in.
      await run(`ban ${SHARED} alpha on web2`);
    }
  });
});
