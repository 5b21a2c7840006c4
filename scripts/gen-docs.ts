// Regenerates the reference pages in docs/ from their single sources of truth.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderConfigReference } from "../src/docs/config-reference.js";

const docs = join(import.meta.dirname, "..", "docs");
writeFileSync(join(docs, "configuration.md"), renderConfigReference());
console.log("docs/configuration.md written");
