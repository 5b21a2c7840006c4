import type { APIEmbed, APIEmbedField } from "discord.js";
import { pageLabel, visibleReply, withoutCodeMarks, type Field, type Image, type Reply, type Tone } from "../../core/reply.js";
import { renderComponents, type ActionRef, type ActionRow } from "./components.js";
import { clip, fitMarkdown } from "./escape.js";
import { EMBED } from "./limits.js";
import { tableBlock } from "./table.js";

/** A Reply as Discord message parts, in API (snake_case) form; the sender adds allowed_mentions. */
export interface DiscordMessage {
  embeds: APIEmbed[];
  components: ActionRow[];
  files: { name: string; data: Uint8Array; description: string }[];
  ephemeral: boolean;
}

const TONE_COLOR: Record<Tone, number> = { ok: 0x2ecc71, info: 0x5865f2, warn: 0xf1a40f, error: 0xe74c3c };

/** Kept back from the 6000-character total for the footer's notes about what did not fit. */
const FOOTER_RESERVE = 300;
/** Fields give way before the description shrinks below this. */
const MIN_DESCRIPTION = 1000;
const INLINE_FIELD = 40;

export function renderReply(original: Reply, ref: ActionRef): DiscordMessage {
  const reply = visibleReply(original);
  const color = TONE_COLOR[reply.tone];
  const notes: string[] = [];
  const title = fitMarkdown(reply.title, EMBED.title);
  const components = renderComponents(reply, ref);
  const base = [pagingText(reply), ...(reply.notes ?? []).map(withoutCodeMarks)].filter((l): l is string => Boolean(l));
  const baseFooter = clip(base.join("\n"), EMBED.footer - FOOTER_RESERVE);

  let budget = EMBED.total - title.length - baseFooter.length - FOOTER_RESERVE;
  const fields = (reply.fields ?? []).map(fieldOf);
  if (fields.length > EMBED.fields) {
    notes.push(`${fields.length - EMBED.fields} fields not shown`);
    fields.length = EMBED.fields;
  }
  let dropped = 0;
  while (fields.length > 0 && budget - fieldsLength(fields) < MIN_DESCRIPTION) {
    fields.pop();
    dropped++;
  }
  if (dropped > 0) notes.push(`${dropped} fields not shown`);
  budget -= fieldsLength(fields);

  const description = describe(reply, Math.min(EMBED.description, budget), notes);
  const images = placeImages(reply.images ?? [], notes);
  const cuts = [...components.notes, ...notes].map((n) => `Cut to fit Discord: ${n}.`);
  const footer = clip([baseFooter, ...cuts].filter(Boolean).join("\n"), baseFooter.length + FOOTER_RESERVE);

  const embed: APIEmbed = { title, color };
  if (description) embed.description = description;
  if (fields.length > 0) embed.fields = fields;
  if (images[0]) embed.image = { url: `attachment://${images[0].name}` };
  if (footer) embed.footer = { text: footer };
  return {
    embeds: [embed, ...images.slice(1).map((f): APIEmbed => ({ color, image: { url: `attachment://${f.name}` } }))],
    components: components.rows,
    files: images,
    ephemeral: reply.private === true,
  };
}

function pagingText(reply: Reply): string | undefined {
  const p = reply.paging;
  return p && pageLabel(p);
}

function fieldOf({ label, value }: Field): APIEmbedField {
  const shown = fitMarkdown(value, EMBED.fieldValue);
  return {
    name: fitMarkdown(label, EMBED.fieldName) || "\u200b",
    // Discord refuses an empty field value.
    value: shown || "—",
    inline: value.length <= INLINE_FIELD && !value.includes("\n"),
  };
}

const fieldsLength = (fields: readonly APIEmbedField[]): number => fields.reduce((n, f) => n + f.name.length + f.value.length, 0);

/** Text, then the table; the text may take at most half the room when there is a table. */
function describe(reply: Reply, room: number, notes: string[]): string {
  const text = reply.text ?? "";
  if (!reply.table) return fitMarkdown(text, room);
  const shownText = text ? fitMarkdown(text, Math.floor(room / 2)) : "";
  const gap = shownText ? 2 : 0;
  const { text: block, hidden } = tableBlock(reply.table, room - shownText.length - gap);
  if (hidden > 0) notes.push(`${hidden} of ${reply.table.rows.length} rows not shown`);
  return [shownText, block].filter(Boolean).join("\n\n");
}

function placeImages(images: readonly Image[], notes: string[]): DiscordMessage["files"] {
  if (images.length > EMBED.perMessage) notes.push(`${images.length - EMBED.perMessage} images not shown`);
  const used = new Set<string>();
  return images.slice(0, EMBED.perMessage).map((image, i) => {
    // attachment:// names allow letters, digits, dot, dash and underscore only.
    let name = image.name.replace(/[^\w.-]/g, "_").replace(/^\.+/, "") || `image-${i + 1}.png`;
    if (used.has(name)) name = `${i + 1}-${name}`;
    used.add(name);
    return { name, data: image.png, description: clip(image.alt, 1024) };
  });
}
