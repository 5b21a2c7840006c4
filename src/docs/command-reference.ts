import type { AnyCommand } from "../core/services.js";
import { expectation } from "../core/command/kinds.js";
import { usageOf } from "../core/command/parse.js";

// docs/commands.md is rendered from the command definitions, like help, so it cannot drift.

export function renderCommandReference(catalogue: readonly AnyCommand[]): string {
  const sections = catalogue
    .filter((c) => !c.internal)
    .map((c) => {
      const options = c.options.filter((o) => !o.internal);
      const lines = [
        `## \`${c.name}\``,
        "",
        c.summary + ".",
        "",
        `- Usage: \`${usageOf(c)}\``,
        `- Role: ${c.role}${c.effect === "destructive" ? " (asks for confirmation first)" : ""}${c.effect !== "read" ? "; recorded in the audit log" : ""}`,
        ...(c.examples.length ? [`- Examples: ${c.examples.map((e) => `\`${e}\``).join(", ")}`] : []),
      ];
      if (options.length > 0) {
        lines.push("", "| option | takes | meaning |", "|---|---|---|");
        for (const o of options) lines.push(`| \`${o.name}\`${o.required ? "" : " (optional)"} | ${expectation(o)} | ${o.description} |`);
      }
      return lines.join("\n");
    });
  return `# Command reference

<!-- Generated from commands/ by \`npm run docs\`; edit the definitions, not this file. -->

The same commands work in the console (\`banbot console\`, \`banbot exec -- <line>\`), in Slack
(\`/f2b <line>\`) and in Discord (\`/f2b <command>\` with typed options). Roles: viewer ⊂ operator ⊂
admin; the console acts as admin. Every button BanBot shows runs one of these command lines, with the
same role check for whoever clicks it.

${sections.join("\n\n")}
`;
}
