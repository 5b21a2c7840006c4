import type { Logger } from "pino";
import { afterAll, beforeAll } from "vitest";
import { createDiscordAdapter, type DiscordTiming } from "../../../src/adapters/discord/client.js";
import type { Core } from "../../../src/compose.js";
import type { ChatAdapter } from "../../../src/core/chat.js";
import type { Dispatcher } from "../../../src/core/dispatch.js";
import { FakeDiscord, type RecordedRequest } from "../../fakes/fake-discord.js";
import { clickInteraction, FAKE_GUILD, slashInteraction, type ClickSpec, type Member, type SlashSpec } from "../../fakes/fake-discord-payloads.js";
import { silentLog } from "../../harness/client.js";
import { TEST_COMMANDS } from "../../harness/test-commands.js";

export const TOKEN = "fake-bot-token";

/** What an interaction callback carries: `{ type, data }` (type 4 reply, 5 deferred, 7 update, 8 choices). */
export interface Callback {
  type: number;
  data?: {
    content?: string;
    flags?: number;
    embeds?: { title?: string; description?: string; color?: number; fields?: { name: string; value: string }[]; footer?: { text: string } }[];
    /** Action rows, or with flags 1 << 15 (Components V2) containers and text displays. */
    components?: Component[];
    choices?: { name: string; value: string }[];
    allowed_mentions?: unknown;
  };
}

/**
 * A fake Discord and BanBot's real Discord adapter logged in to it, on the given core, for one test
 * file. `dispatcher` defaults to the core's.
 */
export function useDiscord(opts: { core: () => Core; dispatcher?: () => Pick<Dispatcher, "run" | "mayRun">; timing?: Partial<DiscordTiming>; log?: Logger }) {
  let fake: FakeDiscord | undefined;
  let adapter: ChatAdapter | undefined;
  beforeAll(async () => {
    fake = await FakeDiscord.start(FAKE_GUILD);
    const core = opts.core();
    adapter = createDiscordAdapter({
      discord: { token: TOKEN, applicationId: FAKE_GUILD.applicationId, guildId: FAKE_GUILD.id, apiUrl: `${fake.apiUrl}/` },
      // The adapter reads the command name and the confirmation timeout; rate limits are the dispatcher's.
      commands: TEST_COMMANDS,
      dispatcher: opts.dispatcher?.() ?? core.dispatcher,
      fail2ban: core.services.fail2ban,
      catalogue: core.services.catalogue,
      // As the platform's entry does: a fleet's front offers its hosts.
      ...(core.fleet ? { fleet: core.fleet } : {}),
      log: opts.log ?? silentLog,
      timing: opts.timing,
    });
    await adapter.start();
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });

  const discord = () => {
    if (!fake) throw new Error("useDiscord: only inside tests");
    return fake;
  };
  const send = (payload: { id: string }) => {
    discord().dispatch("INTERACTION_CREATE", payload);
    return payload.id;
  };
  const common = (member: Member, dm = false) => ({ id: discord().id(), token: `tok-${discord().id()}`, guild: FAKE_GUILD, member, dm });
  /** The first callback for an interaction. */
  const callbackOf = async (id: string): Promise<Callback> =>
    (await discord().request((r) => r.method === "POST" && r.path.startsWith(`/api/v10/interactions/${id}/`))).body as Callback;

  return {
    get fake(): FakeDiscord {
      return discord();
    },
    get adapter(): ChatAdapter {
      if (!adapter) throw new Error("useDiscord: only inside tests");
      return adapter;
    },
    /** Types `/f2b …` as `member` (in a DM with the bot with `dm`); resolves with the interaction's callback. */
    async slash(member: Member, spec: SlashSpec, { dm = false } = {}): Promise<Callback> {
      return await callbackOf(send(slashInteraction(common(member, dm), spec)));
    },
    /** Sends `/f2b …` as `member` and returns ids to follow the deferred flow by hand. */
    slashRaw(member: Member, spec: SlashSpec): { id: string; token: string } {
      const c = common(member);
      send(slashInteraction(c, spec));
      return { id: c.id, token: c.token };
    },
    async click(member: Member, spec: ClickSpec): Promise<Callback> {
      return await callbackOf(send(clickInteraction(common(member), spec)));
    },
    clickRaw(member: Member, spec: ClickSpec): { id: string; token: string } {
      const c = common(member);
      send(clickInteraction(c, spec));
      return { id: c.id, token: c.token };
    },
    /**
     * The message an interaction ends with: the callback's own (type 4 or 7), or after a deferral
     * (type 5 or 6) the edit or follow-up sent with the interaction's token.
     */
    async answer({ id, token }: { id: string; token: string }): Promise<{ callback: Callback; message: NonNullable<Callback["data"]>; via: string }> {
      const callback = await callbackOf(id);
      if (callback.type !== 5 && callback.type !== 6) return { callback, message: callback.data ?? {}, via: "callback" };
      const after = await discord().request((r) => r.path.includes(`/webhooks/${FAKE_GUILD.applicationId}/${token}`) && r.method !== "DELETE");
      return { callback, message: after.body as NonNullable<Callback["data"]>, via: `${after.method} webhook` };
    },
    /** Requests made with an interaction's token after its callback (edits, deletes, follow-ups). */
    async webhook(token: string, method: string): Promise<RecordedRequest> {
      return await discord().request((r) => r.method === method && r.path.includes(`/webhooks/${FAKE_GUILD.applicationId}/${token}`));
    },
  };
}

/** A component as the tests read it, at any depth (a button in a row, in a section, in a container). */
export interface Component {
  type: number;
  custom_id?: string;
  label?: string;
  content?: string;
  options?: { label: string; value: string }[];
  components?: Component[];
  accessory?: Component;
  accent_color?: number;
  items?: { media: { url: string }; description?: string }[];
}

export const IS_COMPONENTS_V2 = 1 << 15;
type MessageData = NonNullable<Callback["data"]>;

/** Every component of a message, depth first. */
export function componentsOf(message: MessageData): Component[] {
  const all: Component[] = [];
  const visit = (c: Component) => {
    all.push(c);
    c.components?.forEach(visit);
    if (c.accessory) visit(c.accessory);
  };
  (message.components ?? []).forEach(visit);
  return all;
}

/** A button's custom_id by its label, from a callback's message. */
export function buttonId(callback: Callback, label: string): string {
  const buttons = componentsOf(callback.data ?? {}).filter((c) => c.type === 2);
  const found = buttons.find((b) => b.label === label || b.label?.startsWith(`${label} `));
  if (!found?.custom_id) throw new Error(`no button "${label}" in ${JSON.stringify(buttons.map((b) => b.label))}`);
  return found.custom_id;
}

export const embedOf = (callback: Callback) => callback.data?.embeds?.[0];

/** A message's title: its embed's, or a Components V2 message's heading. */
export function titleOf(message: MessageData): string {
  if (message.embeds?.length) return message.embeds[0]?.title ?? "";
  const heading = componentsOf(message).find((c) => c.type === 10)?.content ?? "";
  return /^### (.*)$/m.exec(heading)?.[1] ?? "";
}

/** All a message's text: its embeds' title, description, fields and footer, or its text displays. */
export function textOf(message: MessageData): string {
  if (message.embeds?.length) {
    return message.embeds
      .flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])
      .filter(Boolean)
      .join("\n");
  }
  return componentsOf(message)
    .flatMap((c) => (c.type === 10 && c.content ? [c.content] : []))
    .join("\n");
}
