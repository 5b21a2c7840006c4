import type { Reply, Table } from "../reply.js";
import { expectation, isRest } from "./kinds.js";
import { roleAllows, type CommandDef, type OptionSpec, type Role } from "./model.js";
import { typed, usageOf } from "./parse.js";

// Help is generated from the definitions, so it cannot drift from what the parser accepts.
// findCommand lives in parse.ts (the parser needs it, and this module imports the parser).
export { findCommand } from "./parse.js";

/** The catalogue in its given order; with the asker's role, commands above it are marked. */
export function renderHelp(catalogue: readonly CommandDef[], role?: Role): Reply {
  const locked = (c: CommandDef): boolean => role !== undefined && !roleAllows(role, c.role);
  const reply: Reply = {
    title: "BanBot commands",
    tone: "info",
    text: "Type `help <command>` for its options and examples.",
    table: {
      columns: ["Command", "What it does", "Role"],
      rows: catalogue.filter((c) => !c.internal).map((c) => [`\`${usageOf(c)}\``, c.summary, locked(c) ? `🔒 ${c.role}` : c.role]),
    },
  };
  if (role !== undefined && catalogue.some(locked)) {
    reply.notes = [`You are ${articled(role)}; 🔒 marks commands that need a higher role.`];
  }
  return reply;
}

export function renderCommandHelp(command: CommandDef): Reply {
  const confirm = command.effect === "destructive" ? " (asks for confirmation first)" : "";
  const reply: Reply = {
    title: `Help: ${typed(command)}`,
    tone: "info",
    text: command.summary,
    fields: [
      { label: "Usage", value: `\`${usageOf(command)}\`` },
      { label: "Role", value: `${command.role}${confirm}` },
    ],
  };
  if (command.examples.length > 0) {
    reply.fields?.push({ label: "Examples", value: command.examples.map((e) => `\`${e}\``).join("\n") });
  }
  const shown = command.options.filter((o) => !o.internal);
  if (shown.length > 0) reply.table = optionTable(shown);
  return reply;
}

function optionTable(options: readonly OptionSpec[]): Table {
  return {
    columns: ["Option", "Takes", "Description"],
    rows: options.map((o) => [o.required ? o.name : `${o.name} (optional)`, takes(o), o.description]),
  };
}

function takes(spec: OptionSpec): string {
  const parts = [isRest(spec) ? "the rest of the line" : expectation(spec)];
  if (spec.multiple) parts.push("or several");
  if (spec.keyword) parts.push(`after \`${spec.keyword}\``);
  return parts.join(", ");
}

function articled(role: Role): string {
  return role === "viewer" ? "a viewer" : `an ${role}`;
}
