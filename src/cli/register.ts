import { InteractionContextType, REST, Routes } from "discord.js";
import { z } from "zod";
import { apiBase } from "../adapters/discord/api-url.js";
import { inviteUrl } from "../adapters/discord/invite.js";
import type { DiscordConfig } from "../adapters/discord/entry.js";
import type { Config } from "../config.js";
import { discordCommandJson } from "../adapters/discord/schema.js";
import type { AnyCommand } from "../core/services.js";

export interface RegisterOptions {
  discord: DiscordConfig;
  commands: Config["commands"];
  catalogue: readonly AnyCommand[];
  /** Fleet mode (BANBOT_NATS_URL set): commands that run on hosts take `on`. */
  fleet?: boolean;
  out: (line: string) => void;
  /** Defaults to @discordjs/rest on DISCORD_API_URL with the bot token. */
  rest?: Pick<REST, "get" | "put">;
}

export interface RegisterResult {
  updated: boolean;
  added: string[];
  changed: string[];
  removed: string[];
  /** Other commands of the application, removed because BanBot owns it (e.g. after renaming /f2b). */
  removedCommands: string[];
}

/**
 * `banbot register`: makes Discord's copy of `/f2b` (global, or one guild's with DISCORD_GUILD_ID)
 * match the catalogue. Reads what is registered first and writes only on a difference, so running
 * it on every deploy is harmless, and says what changed per subcommand.
 */
export async function registerCommands(opts: RegisterOptions): Promise<RegisterResult> {
  const { discord, out } = opts;
  const rest = opts.rest ?? new REST({ api: apiBase(discord.apiUrl), makeRequest: fetch }).setToken(discord.token);
  const route = discord.guildId
    ? Routes.applicationGuildCommands(discord.applicationId, discord.guildId)
    : Routes.applicationCommands(discord.applicationId);
  const scope = discord.guildId ? `in guild ${discord.guildId}` : "globally";
  // Servers only: in a DM, role grants mean nothing and nobody else sees what is done. Guild
  // commands exist in their guild alone; `contexts` applies to global ones.
  const wanted = { ...discordCommandJson(opts.catalogue, { name: opts.commands.name, fleet: opts.fleet === true }), ...(discord.guildId ? {} : { contexts: SERVERS_ONLY }) };
  const existing = z.array(RegisteredSchema).parse(await rest.get(route));
  const current = existing.find((c) => c.name === wanted.name && (c.type ?? 1) === 1);
  const others = existing.filter((c) => c !== current).map((c) => `/${c.name}`);

  const want = subcommands(wanted);
  const have = current ? subcommands(current) : new Map<string, string>();
  const result: RegisterResult = {
    updated: false,
    added: [...want.keys()].filter((k) => !have.has(k)),
    changed: [...want.keys()].filter((k) => have.has(k) && have.get(k) !== want.get(k)),
    removed: [...have.keys()].filter((k) => !want.has(k)),
    removedCommands: others,
  };
  if (current && current.description !== wanted.description) result.changed.unshift(`(the /${wanted.name} description)`);
  if (current && "contexts" in wanted && JSON.stringify(current.contexts ?? null) !== JSON.stringify(wanted.contexts)) {
    result.changed.unshift(`(where /${wanted.name} can be used: servers only)`);
  }
  const differs = !current || others.length > 0 || [result.added, result.changed, result.removed].some((l) => l.length > 0);
  if (!differs) {
    out(`/${wanted.name} is up to date ${scope} (${want.size} subcommands).`);
    return result;
  }
  await rest.put(route, { body: [wanted] });
  result.updated = true;
  out(`${current ? "Updated" : "Registered"} /${wanted.name} ${scope}:`);
  for (const [label, names] of [["added", result.added], ["changed", result.changed], ["removed", result.removed], ["removed command", others]] as const) {
    if (names.length > 0) out(`  ${label}: ${names.join(", ")}`);
  }
  if (!current) out(`Add the bot to a server with: ${inviteUrl(discord.applicationId)}`);
  return result;
}

const SERVERS_ONLY = [InteractionContextType.Guild];

// What Discord returns for a registered command, as far as the comparison needs it.
interface Registered {
  type?: number | undefined;
  name: string;
  description: string;
  required?: boolean | undefined;
  autocomplete?: boolean | undefined;
  choices?: { name: string; value: string | number }[] | undefined;
  min_value?: number | undefined;
  max_value?: number | undefined;
  options?: Registered[] | undefined;
  contexts?: number[] | null | undefined;
}
const RegisteredSchema: z.ZodType<Registered> = z.lazy(() =>
  z.object({
    type: z.number().optional(),
    name: z.string(),
    description: z.string(),
    required: z.boolean().optional(),
    autocomplete: z.boolean().optional(),
    choices: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]) })).optional(),
    min_value: z.number().optional(),
    max_value: z.number().optional(),
    options: z.array(RegisteredSchema).optional(),
    contexts: z.array(z.number()).nullable().optional(),
  }),
);

/** "ban" or "blocklist add" → a canonical form of its definition, to compare with Discord's copy. */
function subcommands(command: Pick<Registered, "options">): Map<string, string> {
  const map = new Map<string, string>();
  for (const option of command.options ?? []) {
    if (option.type === 2) for (const sub of option.options ?? []) map.set(`${option.name} ${sub.name}`, canonical(sub) + option.description);
    else map.set(option.name, canonical(option));
  }
  return map;
}

// Discord's copy leaves out false flags and adds localisation fields: compare only what we send.
function canonical(option: Registered): string {
  return JSON.stringify({
    type: option.type,
    name: option.name,
    description: option.description,
    required: option.required === true,
    autocomplete: option.autocomplete === true,
    choices: (option.choices ?? []).map((c) => [c.name, c.value]),
    min: option.min_value ?? null,
    max: option.max_value ?? null,
    options: (option.options ?? []).map(canonical),
  });
}
