import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Dependencies run one way (docs/architecture.md): entry points (src/cli, src/main.ts, src/jobs,
// src/adapters, src/ops, src/demo, src/fleet) → commands/ → src/core ← src/store, src/db. A layer may
// import only the folders below (and the file of the same name beside them: `compose` is compose.ts too): `../` is judged by where the file sits, so a file N folders deep in a layer
// gets the pattern for N, and a `..` after a folder name (`core/../store`) is refused everywhere.
const LAYERS = [
  { layer: "src/core", may: ["core"], why: "src/core is the domain: it defines the ports it needs and imports nothing outside itself" },
  { layer: "commands", may: ["src/core"], why: "commands use src/core only: no adapters, store, db or config" },
  { layer: "src/store", may: ["core", "db", "store"], why: "src/store implements core's ports: it imports core and db only" },
  { layer: "src/db", may: ["core", "db"], why: "src/db is the store's SQLite plumbing: it imports core only" },
  {
    layer: "src/fleet",
    may: ["core", "store", "db", "config", "compose", "jobs", "cli"],
    why: "src/fleet (banbot agent, the front's NATS side) is an entry point without chat: it builds on core, the store, config and the jobs, not on the chat adapters or commands/ (they run through core's dispatcher)",
  },
];
const SNEAKY = { regex: String.raw`(^|/)[^./][^/]*/\.\./`, message: "Write the import without `..` after a folder name, so the layer rule can read it." };

function layerRules({ layer, may, why }) {
  const message = `Upward import: ${why}.`;
  return [1, 2, 3, 4].map((depth) => {
    // From a file `depth` folders inside the layer, this many `../` leave it.
    const regex = `^${String.raw`\.\./`.repeat(depth)}(?!(${may.join("|")})(/|\\.js$))`;
    return {
      files: [`${layer}/${"*/".repeat(depth - 1)}*.ts`],
      rules: {
        "no-restricted-imports": ["error", { patterns: [{ regex, message }, SNEAKY] }],
        // import("…"), import(`…`) and the type import("…") too, which no-restricted-imports does not see.
        "no-restricted-syntax": ["error", ...[
          "ImportExpression > Literal[value=/RE/]",
          "ImportExpression > TemplateLiteral > TemplateElement[value.raw=/RE/]",
          "TSImportType Literal[value=/RE/]",
        ].map((shape) => ({ selector: shape.replace("RE", regex.replaceAll("/", "\\/")), message }))],
      },
    };
  });
}

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "scratch/", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/return-await": ["error", "always"],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  ...LAYERS.flatMap(layerRules),
  {
    files: ["src/cli.ts", "bench/**", "test/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
