import { ComponentType, createComponentBuilder, MessageFlags, type APIMessageTopLevelComponent } from "discord.js";

// How Discord judges a message body's components: with the IS_COMPONENTS_V2 flag the components
// are the whole message (no content, no embeds; at most 40 components, nested ones included, and
// 4000 characters of text), a flag an edit can set but never take away; without it, only action
// rows. Every component must pass discord.js's builders' validation, which mirrors Discord's.
// https://discord.com/developers/docs/components/reference

const MAX_COMPONENTS = 40;
const MAX_TEXT = 4000;

interface Body {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  flags?: unknown;
}

/** Why Discord would refuse this body (undefined: it would not); `before` is the edited message's flags. */
export function componentsRefusal(body: Body | undefined, opts: { before?: number; files?: readonly string[] } = {}): string | undefined {
  if (!body) return undefined;
  const flags = typeof body.flags === "number" ? body.flags : 0;
  const before = opts.before ?? 0;
  const v2 = ((flags | before) & MessageFlags.IsComponentsV2) !== 0;
  if (before & MessageFlags.IsComponentsV2 && typeof body.flags === "number" && !(flags & MessageFlags.IsComponentsV2)) {
    return "IS_COMPONENTS_V2 cannot be removed from a message";
  }
  const components = Array.isArray(body.components) ? (body.components as APIMessageTopLevelComponent[]) : [];
  for (const component of components) {
    if (!v2 && component.type !== ComponentType.ActionRow) return `component type ${component.type} needs the IS_COMPONENTS_V2 flag`;
    try {
      createComponentBuilder(component).toJSON();
    } catch (err) {
      return `invalid component: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const totals = { components: 0, text: 0, media: [] as string[], bad: [] as string[] };
  count(components, totals);
  if (totals.bad.length > 0) return `invalid component: ${totals.bad.join(", ")}`;
  if (!v2) return undefined;
  if (typeof body.content === "string" && body.content !== "") return "a Components V2 message cannot have content";
  if (Array.isArray(body.embeds) && body.embeds.length > 0) return "a Components V2 message cannot have embeds";
  if (totals.components > MAX_COMPONENTS) return `${totals.components} components, more than ${MAX_COMPONENTS}`;
  if (totals.text > MAX_TEXT) return `${totals.text} characters of text, more than ${MAX_TEXT}`;
  const missing = totals.media.filter((url) => url.startsWith("attachment://") && !(opts.files ?? []).includes(url.slice("attachment://".length)));
  if (missing.length > 0) return `media ${missing.join(", ")} not among the message's files`;
  return undefined;
}

// The builders check these only in their setters; Discord checks them on every message.
const BUTTON_LABEL = 80;
const CUSTOM_ID = 100;

function count(components: readonly unknown[], totals: { components: number; text: number; media: string[]; bad: string[] }): void {
  for (const raw of components) {
    const c = raw as { type: ComponentType; content?: string; label?: string; custom_id?: string; components?: unknown[]; accessory?: unknown; items?: { media: { url: string } }[] };
    totals.components++;
    if ((c.label?.length ?? 0) > BUTTON_LABEL) totals.bad.push(`a label of ${c.label!.length} characters`);
    if (c.custom_id !== undefined && (c.custom_id.length < 1 || c.custom_id.length > CUSTOM_ID)) totals.bad.push(`a custom_id of ${c.custom_id.length} characters`);
    if (c.type === ComponentType.TextDisplay) totals.text += c.content?.length ?? 0;
    if (c.items) totals.media.push(...c.items.map((i) => i.media.url));
    if (c.components) count(c.components, totals);
    if (c.accessory) count([c.accessory], totals);
  }
}

/** A message body's title: its first embed's, or a Components V2 message's `### ` heading. */
export function titleOfBody(body: unknown): string {
  const b = body as { embeds?: { title?: string }[]; flags?: number; components?: unknown[] } | undefined;
  if (b?.embeds?.length) return b.embeds[0]?.title ?? "";
  const texts: string[] = [];
  const visit = (c: { type?: number; content?: string; components?: unknown[] }) => {
    if (c.type === ComponentType.TextDisplay && c.content) texts.push(c.content);
    (c.components ?? []).forEach((child) => visit(child as typeof c));
  };
  (b?.components ?? []).forEach((c) => visit(c as { type?: number }));
  return /^### (.*)$/m.exec(texts[0] ?? "")?.[1] ?? "";
}
