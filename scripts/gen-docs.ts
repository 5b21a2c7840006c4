// Regenerates the reference pages in docs/ from their single sources of truth.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../commands/index.js";
import { renderCommandReference } from "../src/docs/command-reference.js";
import { renderConfigReference } from "../src/docs/config-reference.js";

const docs = join(import.meta.dirname, "..", "docs");
writeFileSync(join(docs, "configuration.md"), renderConfigReference());
writeFileSync(join(docs, "commands.md"), renderCommandReference(COMMANDS));
console.log("docs/configuration.md and docs/commands.md written");
