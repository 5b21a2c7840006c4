import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "../../fakes/fake-discord.js";
import { FAKE_GUILD } from "../../fakes/fake-discord-payloads.js";
import { componentsRefusal } from "../../fakes/fake-discord-v2.js";

const V2 = 1 << 15;
const text = (content: string) => ({ type: 10, content });
const container = (...components: unknown[]) => ({ type: 17, components });
const button = (id: string) => ({ type: 2, style: 2, label: "Go", custom_id: id });

// The fake judges components as Discord does, so the adapter tests cannot pass with a message
// Discord would refuse.
describe("the fake Discord's Components V2 rules", () => {
  it.each<[string, Parameters<typeof componentsRefusal>[0], Parameters<typeof componentsRefusal>[1], RegExp | undefined]>([
    ["a V2 message of a container", { flags: V2, components: [container(text("hi"))] }, {}, undefined],
    ["a V2 message with content", { flags: V2, content: "hi", components: [container(text("hi"))] }, {}, /cannot have content/],
    ["a V2 message with an embed", { flags: V2, embeds: [{ title: "t" }], components: [text("hi")] }, {}, /cannot have embeds/],
    ["emptied content and embeds, as an upgrade sends them", { flags: V2, content: "", embeds: [], components: [text("hi")] }, {}, undefined],
    ["a container without the flag", { components: [container(text("hi"))] }, {}, /needs the IS_COMPONENTS_V2 flag/],
    ["an edit dropping the flag", { flags: 0, components: [] }, { before: V2 }, /cannot be removed/],
    ["an edit of a V2 message that leaves flags alone but adds content", { content: "x" }, { before: V2 }, /cannot have content/],
    ["41 components", { flags: V2, components: [container(...Array.from({ length: 20 }, (_, i) => ({ type: 1, components: [button(`b${i}`)] })))] }, {}, /41 components/],
    ["4001 characters", { flags: V2, components: [text("x".repeat(2001)), text("y".repeat(2000))] }, {}, /4001 characters/],
    ["a section without its accessory", { flags: V2, components: [{ type: 9, components: [text("row")] }] }, {}, /invalid component/],
    ["a gallery of a file not sent", { flags: V2, components: [{ type: 12, items: [{ media: { url: "attachment://a.png" } }] }] }, { files: ["b.png"] }, /attachment:\/\/a\.png not among/],
    ["an action row of buttons, without the flag", { components: [{ type: 1, components: [button("b0")] }] }, {}, undefined],
    ["a button label of 81 characters", { components: [{ type: 1, components: [{ ...button("b0"), label: "l".repeat(81) }] }] }, {}, /invalid component/],
  ])("%s", (_, body, opts, refused) => {
    const said = componentsRefusal(body, opts);
    if (refused) expect(said).toMatch(refused);
    else expect(said).toBeUndefined();
  });

  describe("over HTTP", () => {
    let fake: FakeDiscord;
    beforeAll(async () => {
      fake = await FakeDiscord.start(FAKE_GUILD);
    });
    afterAll(async () => await fake.close());

    it("answers 400 Invalid Form Body, and remembers a message is V2", async () => {
      const post = async (path: string, method: string, body: unknown) =>
        await fetch(`${fake.apiUrl}/v10${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const bad = await post("/channels/1/messages", "POST", { flags: V2, content: "hi", components: [text("x")] });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 50035, message: "Invalid Form Body" });
      const { id } = (await (await post("/channels/1/messages", "POST", { flags: V2, components: [text("x")] })).json()) as { id: string };
      expect((await post(`/channels/1/messages/${id}`, "PATCH", { content: "back to text", components: [] })).status).toBe(400);
      expect((await post(`/channels/1/messages/${id}`, "PATCH", { components: [text("still V2")] })).status).toBe(200);
    });
  });
});
