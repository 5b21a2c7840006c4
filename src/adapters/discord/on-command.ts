import type { ChatInputCommandInteraction } from "discord.js";
import { ON_OPTION, valuesFromDiscord } from "./schema.js";
import { isUserError, UserError } from "../../core/errors.js";
import { errorReply, type Reply } from "../../core/reply.js";
import { render, rerunnable, type HandlerContext } from "./context.js";
import { within } from "../../core/deadline.js";
import { identityOf } from "./identity.js";
import { editOptions, replyOptions } from "./payload.js";
import { invokedCommand } from "./slash.js";

/** `/f2b <subcommand>`: the same command line the text surfaces would run, as the member who typed it. */
export async function onCommand(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const work = run(interaction, ctx);
  const rendered = ({ reply, line }: Ran) => render(ctx, reply, { source: line === undefined ? undefined : rerunnable(ctx, line) });
  const fast = await within(work, ctx.deferAfterMs);
  if (fast.done) {
    await interaction.reply(replyOptions(rendered(fast.value)));
    return;
  }
  // Deferring decides visibility before the result exists; results are public, so a private one
  // (an error, a refusal) replaces the public "thinking…" with a message only the asker sees.
  await interaction.deferReply();
  const msg = rendered(await work);
  if (msg.ephemeral) {
    await interaction.deleteReply();
    await interaction.followUp(replyOptions(msg));
  } else {
    await interaction.editReply(editOptions(msg));
  }
}

/** A reply, and the command line that gave it when there was one. */
type Ran = { reply: Reply; line?: string };

async function run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<Ran> {
  const invoked = invokedCommand(interaction.options.data, ctx.layout);
  if (!invoked) {
    return { reply: errorReply("This BanBot does not know that command; an admin may need to run `banbot register` again.") };
  }
  let line: string;
  try {
    const target = invoked.options.find((o) => o.name === ON_OPTION);
    const values = valuesFromDiscord(invoked.command, invoked.options.filter((o) => o !== target));
    line = target === undefined ? values : `${values} ${onTarget(String(target.value), ctx.fleet)}`;
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { reply: errorReply(err.message, "Cannot read that command") };
  }
  return { reply: await ctx.dispatcher.run(line, identityOf(interaction)), line };
}

const TARGET_WORD = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The `on` option as the text line's trailing `on …` (`web1, db1` or `web1 db1`: `on web1,db1`),
 * which the dispatcher resolves like a typed one, naming the known hosts when it names none.
 */
function onTarget(value: string, fleet: boolean): string {
  if (!fleet) {
    throw new UserError("invalid_argument", "`on` picks hosts of a fleet, and this BanBot runs on one host; an admin may need to run `banbot register` again.");
  }
  const words = value.split(/[\s,]+/u).filter((w) => w !== "");
  const bad = words.find((w) => !TARGET_WORD.test(w));
  if (bad !== undefined) throw new UserError("invalid_argument", `\`${bad.slice(0, 64)}\` is no host or group name: those are letters, digits, - and _.`);
  if (words.length === 0) throw new UserError("invalid_argument", "`on` needs a host, a group, several joined by commas, or `all`.");
  return `on ${words.join(",")}`;
}
