import { describe, expect, it } from "vitest";
import type { Alert } from "../../../src/core/alerts/alert.js";
import { routeAlert } from "../../../src/core/alerts/router.js";
import type { AlertRoute } from "../../../src/core/alerts/router.js";

const routes: AlertRoute[] = [
  { kinds: ["health", "spike"], jails: undefined, slackChannel: "C0ALL", discordChannel: "300000000000000000" },
  { kinds: ["spike"], jails: ["sshd"], slackChannel: "C0SSH", discordChannel: undefined },
  { kinds: ["spike"], jails: ["sshd"], slackChannel: "C0ALL", discordChannel: undefined },
];
const spike = (step: Alert["step"], jail = "sshd"): Alert => ({ kind: "spike", jail, incident: "spike:h:sshd:1", step, seq: 2, reply: { title: "x", tone: "warn" } });
const never = () => false;

describe("routeAlert", () => {
  it("sends an alert to every matching channel once", () => {
    expect(routeAlert(spike("open"), routes, never).map((m) => [m.platform, m.channel, m.mode, m.dedupeKey])).toEqual([
      ["slack", "C0ALL", "post", "spike:h:sshd:1:open:slack:C0ALL"],
      ["discord", "300000000000000000", "post", "spike:h:sshd:1:open:discord:300000000000000000"],
      ["slack", "C0SSH", "post", "spike:h:sshd:1:open:slack:C0SSH"],
    ]);
  });

  it("limits jail-specific routes to their jails and kinds to theirs", () => {
    expect(routeAlert(spike("open", "nginx"), routes, never).map((m) => m.channel)).toEqual(["C0ALL", "300000000000000000"]);
    const blocklist: Alert = { kind: "blocklist", incident: "b", step: "open", reply: { title: "x", tone: "warn" } };
    expect(routeAlert(blocklist, routes, never)).toEqual([]);
  });

  it("makes updates replace and resolutions follow up the first post", () => {
    const [update] = routeAlert(spike("update"), routes, never);
    expect(update).toMatchObject({ mode: "replace", parentKey: "spike:h:sshd:1:open:slack:C0ALL", dedupeKey: "spike:h:sshd:1:update:2:slack:C0ALL" });
    const [resolve] = routeAlert(spike("resolve"), routes, never);
    expect(resolve).toMatchObject({ mode: "follow_up", parentKey: "spike:h:sshd:1:open:slack:C0ALL" });
  });

  it("posts to the demo's console when its route says so", () => {
    const demo: AlertRoute = { kinds: ["spike"], jails: undefined, slackChannel: undefined, discordChannel: undefined, console: true };
    expect(routeAlert(spike("open"), [demo], never).map((m) => [m.platform, m.channel, m.dedupeKey])).toEqual([["console", "console", "spike:h:sshd:1:open:console:console"]]);
  });

  it("drops muted alerts but still delivers their resolution", () => {
    expect(routeAlert(spike("open"), routes, () => true)).toEqual([]);
    expect(routeAlert(spike("resolve"), routes, () => true)).toHaveLength(3);
  });
});
