// Regenerates the reference pages in docs/ from their single sources of truth.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../commands/index.js";
import { renderCommandReference } from "../src/docs/command-reference.js";
import { renderConfigReference } from "../src/docs/config-reference.js";
import { renderConsoleSession, renderDiscordExamples, renderSlackExamples, surfaceExamples, withGenerated } from "../src/docs/surface-examples.js";

const docs = join(import.meta.dirname, "..", "docs");
writeFileSync(join(docs, "configuration.md"), renderConfigReference());
writeFileSync(join(docs, "commands.md"), renderCommandReference(COMMANDS));

const examples = surfaceExamples();
const sections: [file: string, name: string, text: string][] = [
  ["slack.md", "payloads", renderSlackExamples(examples)],
  ["discord.md", "payloads", renderDiscordExamples(examples)],
  ["console.md", "session", renderConsoleSession(examples)],
];
for (const [file, name, text] of sections) writeFileSync(join(docs, file), withGenerated(readFileSync(join(docs, file), "utf8"), name, text));
mkdirSync(join(docs, "images"), { recursive: true });
for (const image of examples.flatMap((e) => e.reply.images ?? [])) writeFileSync(join(docs, "images", image.name), image.png);
console.log("docs/configuration.md, commands.md, slack.md, discord.md, console.md and docs/images/ written");
