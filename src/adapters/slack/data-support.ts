import type { Logger } from "pino";
import type { DataBlockKind } from "./data-blocks.js";

const ALL: readonly DataBlockKind[] = ["data_table", "data_visualization"];
const DAY_MS = 86_400_000;

/**
 * Which workspaces refused which data blocks (Slack answers invalid_blocks where they are not
 * available yet), so their next replies go straight to text tables and chart images. In memory on
 * purpose: after a restart the first reply with such a block tries once more, one refused request
 * that is at once sent again without it, and that is also how a workspace that has gained the
 * blocks since gets them. For a long-running process the same re-check happens after `ttlMs`.
 */
export class DataBlockSupport {
  private readonly refusals = new Map<string, Map<DataBlockKind, number>>();

  constructor(private readonly opts: { now: () => number; ttlMs?: number }) {}

  /** The data blocks to use in a reply to `team`. */
  allowed(team: string): ReadonlySet<DataBlockKind> {
    const refused = this.refusals.get(team);
    const now = this.opts.now();
    return new Set(ALL.filter((kind) => (refused?.get(kind) ?? -Infinity) + (this.opts.ttlMs ?? DAY_MS) <= now));
  }

  refused(team: string, kinds: readonly DataBlockKind[]): void {
    const refused = this.refusals.get(team) ?? new Map<DataBlockKind, number>();
    for (const kind of kinds) refused.set(kind, this.opts.now());
    this.refusals.set(team, refused);
  }
}

/** The data block kinds in a message. */
export function kindsIn(blocks: readonly { type: string }[] | undefined): DataBlockKind[] {
  return ALL.filter((kind) => blocks?.some((b) => b.type === kind));
}

// What Slack answers for blocks it cannot show; any other error (a 400 for an expired response_url,
// a message too long) says nothing about the blocks and must not cost a workspace its tables.
const BLOCK_REFUSALS: readonly unknown[] = ["invalid_blocks", "invalid_blocks_format"];

/**
 * Slack refused a message's blocks: the Web API's `invalid_blocks` (also inside a DeliveryError's
 * cause), or a response_url whose answer says so (responseUrlPoster reads it into `refusal`).
 */
export function isBlocksRefusal(err: unknown): boolean {
  for (let e = err as { data?: { error?: unknown }; refusal?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (BLOCK_REFUSALS.includes(e.data?.error) || BLOCK_REFUSALS.includes(e.refusal)) return true;
  }
  return false;
}

/**
 * Sends with the data blocks `team` is believed to accept; when Slack refuses the message and it
 * used any, remembers the newest kind it used as refused and sends again without it (the chart
 * block came a month after the table block, so a workspace may have tables and not yet charts).
 * `used` says which kinds an attempt with a given set used (only asked after a refusal). Returns
 * the set the delivered message used.
 */
export async function withDataBlocks<T>(
  ctx: { support: DataBlockSupport; team: string; log: Logger },
  attempt: (allowed: ReadonlySet<DataBlockKind>) => Promise<T>,
  used: (allowed: ReadonlySet<DataBlockKind>) => DataBlockKind[],
): Promise<{ value: T; allowed: ReadonlySet<DataBlockKind> }> {
  let allowed = ctx.support.allowed(ctx.team);
  // Each refusal takes one kind away, so this ends after at most ALL.length + 1 attempts.
  for (;;) {
    try {
      return { value: await attempt(allowed), allowed };
    } catch (err) {
      const kinds = allowed.size > 0 && isBlocksRefusal(err) ? used(allowed) : [];
      if (kinds.length === 0) throw err;
      const refused = kinds.includes("data_visualization") ? "data_visualization" : kinds[0]!;
      ctx.support.refused(ctx.team, [refused]);
      ctx.log.info({ team: ctx.team, refused }, "slack refused a data block; this workspace gets text tables or chart images instead");
      allowed = ctx.support.allowed(ctx.team);
    }
  }
}

/**
 * A response_url answer as bolt's respond() gives it: it throws on an error status, and resolves
 * with the Response otherwise, whose body may still say `ok: false`.
 */
export async function checkedResponse(res: unknown): Promise<void> {
  if (!(res instanceof Response) || !res.headers.get("content-type")?.includes("json")) return;
  const body = (await res.clone().json()) as { ok?: unknown; error?: unknown };
  if (body.ok === false) throw Object.assign(new Error(`Slack refused the response: ${String(body.error)}`), { refusal: body.error });
}
