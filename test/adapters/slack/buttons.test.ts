import { describe, expect, it } from "vitest";
import { findButton } from "../../fakes/fake-slack-payloads.js";
import { useClients } from "../../harness/client.js";
import { replyTo, textOf, USERS, useSlackBot, type Mode } from "./harness.js";

describe.each<Mode>(["http", "socket"])("Slack buttons (%s mode)", (mode) => {
  const s = useSlackBot({ mode });
  const connect = useClients();
  const fail2ban = () => connect(s.bot.sandbox.socketPath).fail2ban;
  const ask = async (line: string, user: string = USERS.admin) => await replyTo(s.fake, await s.slack.slash(line, { user }));

  it("stops a jail only after Confirm, in place of the question, saying who did it", async () => {
    const jail = await ask("jail beta");
    const stop = findButton(jail, "Stop");
    expect(stop).toMatchObject({ style: "danger", confirm: { title: { text: "Are you sure?" } } });

    // The question comes as a new message for the clicker; the jail's detail stays where it was.
    const confirmation = await replyTo(s.fake, await s.slack.click(stop, { user: USERS.admin, ephemeral: true }));
    expect(confirmation).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(textOf(confirmation)).toMatch(/Confirm: stop beta/);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);

    const done = await replyTo(s.fake, await s.slack.click(findButton(confirmation, "Confirm"), { user: USERS.admin, ephemeral: true }));
    expect(done.replace_original).toBe(true);
    expect(textOf(done)).toMatch(/Stopped beta[\s\S]*Confirm by <@U0ADMIN>/);
    expect((await fail2ban().status()).jails).toEqual(["alpha"]);

    const again = await replyTo(s.fake, await s.slack.click(findButton(done, "Start again"), { user: USERS.admin, ephemeral: true }));
    await replyTo(s.fake, await s.slack.click(findButton(again, "Confirm"), { user: USERS.admin, ephemeral: true }));
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("drops a confirmation on Cancel, after which Confirm does nothing", async () => {
    const confirmation = await ask("stop alpha");
    const cancelled = await replyTo(s.fake, await s.slack.click(findButton(confirmation, "Cancel"), { ephemeral: true }));
    expect(textOf(cancelled)).toMatch(/Cancelled; nothing was changed/);
    const late = await replyTo(s.fake, await s.slack.click(findButton(confirmation, "Confirm"), { ephemeral: true }));
    expect(textOf(late)).toMatch(/Not confirmed/);
    expect((await fail2ban().status()).jails).toEqual(["alpha", "beta"]);
  });

  it("refuses a viewer's Unban privately and leaves the shared message and the ban alone", async () => {
    await fail2ban().ban("alpha", ["192.0.2.77"]);
    const list = await ask("banned alpha");
    const unban = findButton(list, "Unban 192.0.2.77");

    const refused = await replyTo(s.fake, await s.slack.click(unban, { user: USERS.viewer }));
    expect(refused).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(textOf(refused)).toMatch(/You need the operator role for this; you have viewer\. .*`U0VIEW`/);
    expect(await fail2ban().jailsBanning(["192.0.2.77"])).toEqual([["alpha"]]);
    expect(s.bot.core.services.audit.query({ userId: USERS.viewer, limit: 1 })[0]).toMatchObject({ outcome: "refused", commandLine: "unban 192.0.2.77 alpha" });

    const done = await replyTo(s.fake, await s.slack.click(unban, { user: USERS.operator }));
    expect(done.replace_original).toBe(true);
    expect(textOf(done)).toMatch(/Unbanned 192\.0\.2\.77 in alpha[\s\S]*Unban 192\.0\.2\.77 by <@U0OPER>/);
    expect(await fail2ban().jailsBanning(["192.0.2.77"])).toEqual([[]]);
  });

  it("pages with Next in place", async () => {
    await fail2ban().ban("beta", Array.from({ length: 20 }, (_, i) => `198.18.7.${i + 1}`));
    const first = await ask("banned beta", USERS.viewer);
    expect(textOf(first)).toMatch(/Page 1 of 2 · 20 in all/);
    const second = await replyTo(s.fake, await s.slack.click(findButton(first, "Next"), { user: USERS.viewer, ephemeral: true }));
    expect(second.replace_original).toBe(true);
    expect(textOf(second)).toMatch(/Page 2 of 2 · 20 in all[\s\S]*Next by <@U0VIEW>/);
  });
});
