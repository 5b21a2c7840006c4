import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../commands/index.js";
import { renderCommandReference } from "../../src/docs/command-reference.js";

describe("docs/commands.md", () => {
  it("is the reference rendered from the current definitions (run `npm run docs` when this fails)", () => {
    const committed = readFileSync(join(import.meta.dirname, "../../docs/commands.md"), "utf8");
    expect(committed).toBe(renderCommandReference(COMMANDS));
  });

  it("covers every command a user can type", () => {
    const text = renderCommandReference(COMMANDS);
    for (const c of COMMANDS.filter((c) => !c.internal)) expect(text).toContain(`## \`${c.name}\``);
    expect(text).toContain("Role: admin (asks for confirmation first)");
  });
});
