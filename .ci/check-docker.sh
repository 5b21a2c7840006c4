#!/usr/bin/env bash
# Lints what docker/ ships without a Docker engine: the compose file (parsed as YAML, services, mounts
# and env_file checked), the env file example (every variable BanBot reads), the example config
# (validated by BanBot's own loader), the Dockerfile (hadolint when installed, else a structural
# check) and the systemd unit (systemd-analyze verify when available, else a parse check).
set -euo pipefail
cd "$(dirname "$0")/.."

failures=0
ok() { echo "check-docker: ok: $*"; }
fail() { echo "check-docker: FAIL: $*" >&2; failures=$((failures + 1)); }

# --- compose.yaml, banbot.env.example ---------------------------------------------------------------
if node --input-type=module - <<'JS'; then ok "docker/compose.yaml and docker/banbot.env.example"; else fail "docker/compose.yaml or docker/banbot.env.example"; fi
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";

const problems = [];
const need = (cond, what) => { if (!cond) problems.push(what); };
const compose = parse(readFileSync("docker/compose.yaml", "utf8"));
const services = compose?.services ?? {};
const f2b = services.fail2ban;
const bot = services.banbot;
need(f2b && bot, "services fail2ban and banbot");
const mounts = (svc) => (svc?.volumes ?? []).map((v) => (typeof v === "string" ? v : `${v.source}:${v.target}${v.read_only ? ":ro" : ""}`));
const mountAt = (svc, target) => mounts(svc).find((m) => m.split(":")[1] === target);
const named = Object.keys(compose?.volumes ?? {});
for (const [name, svc] of [["fail2ban", f2b], ["banbot", bot]]) {
  for (const m of mounts(svc)) {
    const [source] = m.split(":");
    if (source.startsWith(".") || source.startsWith("/")) {
      // Bind sources relative to docker/ that the repository ships must exist.
      if (source.startsWith("./fail2ban/")) need(existsSync(`docker/${source.slice(2)}`), `${name}: bind source ${source} exists`);
    } else {
      need(named.includes(source), `${name}: named volume ${source} declared under volumes:`);
    }
  }
}
const env = bot?.environment ?? {};
const ro = (m) => m?.endsWith(":ro");
need(mountAt(bot, env.BANBOT_DATA_DIR) && !ro(mountAt(bot, env.BANBOT_DATA_DIR)), "banbot: data dir mounted writable at BANBOT_DATA_DIR");
need(mountAt(bot, env.BANBOT_CONFIG) && ro(mountAt(bot, env.BANBOT_CONFIG)), "banbot: config file mounted read-only at BANBOT_CONFIG");
const socketDir = env.BANBOT_FAIL2BAN_SOCKET?.replace(/\/[^/]+$/, "");
need(socketDir && mountAt(bot, socketDir) && mountAt(f2b, socketDir), "fail2ban socket dir shared by both services");
need(mountAt(bot, socketDir)?.split(":")[0] === mountAt(f2b, socketDir)?.split(":")[0], "socket dir: same volume in both services");
need(mountAt(f2b, env.BANBOT_DATA_DIR)?.split(":")[0] === mountAt(bot, env.BANBOT_DATA_DIR)?.split(":")[0], "BanBot's data dir (history.sock) shared with fail2ban");
need(ro(mountAt(bot, "/data")), "banbot: fail2ban's /data (its database) read-only");
need(ro(mountAt(bot, "/etc/fail2ban")), "banbot: fail2ban's config read-only");
need(mountAt(f2b, "/data/action.d/banbot.py"), "fail2ban: BanBot's history action mounted");
const envFiles = [bot?.env_file ?? []].flat().map((e) => (typeof e === "string" ? e : e.path));
need(envFiles.includes("banbot.env"), "banbot: env_file banbot.env");
need(existsSync("docker/banbot.env.example"), "docker/banbot.env.example exists");
need(bot?.healthcheck?.test?.join(" ").includes("/healthz"), "banbot: healthcheck on /healthz");
need(bot?.build?.dockerfile === "docker/Dockerfile", "banbot: built from docker/Dockerfile");
need(f2b?.network_mode === "host" && (f2b?.cap_add ?? []).includes("NET_ADMIN"), "fail2ban: host network and NET_ADMIN");
// Every mount is documented: the line above each volume entry is a comment.
const lines = readFileSync("docker/compose.yaml", "utf8").split("\n");
lines.forEach((line, i) => {
  if (/^\s+- [^#"]*:\/\S*$/.test(line)) need(/^\s+#/.test(lines[i - 1] ?? ""), `compose.yaml line ${i + 1} (${line.trim()}) has a comment above it`);
});
// The env example names every variable BanBot reads (the generated reference is the source).
const reference = readFileSync("docs/configuration.md", "utf8");
const section = reference.slice(reference.indexOf("## Environment"), reference.indexOf("## Config file"));
const vars = [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
need(vars.length > 10, "docs/configuration.md lists the environment variables");
const example = readFileSync("docker/banbot.env.example", "utf8");
for (const v of vars) need(new RegExp(`^#?${v}=`, "m").test(example), `banbot.env.example lists ${v}`);
for (const v of Object.keys(env)) need(vars.includes(v), `compose.yaml environment ${v} is a variable BanBot reads`);
if (problems.length) {
  for (const p of problems) console.error(`  missing: ${p}`);
  process.exit(1);
}
JS

# --- banbot.example.yaml through BanBot's own config loader ----------------------------------------
if npx --no-install tsx -e '
  import("./src/config.ts").then(({ loadConfig }) => {
    loadConfig({}, require("node:fs").readFileSync("docker/banbot.example.yaml", "utf8"));
  }).catch((err) => { console.error(err.message); process.exit(1); });'; then
  ok "docker/banbot.example.yaml is a valid config"
else
  fail "docker/banbot.example.yaml does not load"
fi

# --- compose.fleet.yaml and its example configs ------------------------------------------------------
if node --input-type=module - <<'JS'; then ok "docker/compose.fleet.yaml"; else fail "docker/compose.fleet.yaml"; fi
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";

const problems = [];
const need = (cond, what) => { if (!cond) problems.push(what); };
const compose = parse(readFileSync("docker/compose.fleet.yaml", "utf8"));
const services = compose?.services ?? {};
const named = Object.keys(compose?.volumes ?? {});
const profile = { nats: "central", front: "central", fail2ban: "host", agent: "host" };
for (const [name, p] of Object.entries(profile)) need(services[name]?.profiles?.includes(p), `${name} in profile ${p}`);
for (const [name, svc] of Object.entries(services)) {
  for (const v of svc.volumes ?? []) {
    const [source, target] = v.split(":");
    if (source.startsWith("./fleet-credentials/")) continue; // written by banbot fleet-config
    if (source.startsWith("./fleet/")) need(existsSync(`docker/${source.slice(2).replace(/\.yaml$/, ".example.yaml")}`), `${name}: ${source} has an example`);
    else if (source.startsWith("./fail2ban/")) need(existsSync(`docker/${source.slice(2)}`), `${name}: ${source} exists`);
    else if (!source.startsWith(".") && !source.startsWith("/")) need(named.includes(source), `${name}: volume ${source} declared`);
    if (target === "/etc/banbot/banbot.yaml") need(svc.environment?.BANBOT_CONFIG === target, `${name}: BANBOT_CONFIG is its mounted config`);
  }
}
need(services.front?.command?.[0] === "start" && services.agent?.command?.[0] === "agent", "front runs start, agent runs agent");
need(services.front?.environment?.BANBOT_NATS_URL === "nats://nats:4222", "front reaches the nats service");
need(String(services.agent?.environment?.BANBOT_NATS_URL).includes("BANBOT_NATS_URL") && String(services.agent?.environment?.BANBOT_HOST).includes("BANBOT_HOST"), "agent takes BANBOT_NATS_URL and BANBOT_HOST");
need(services.nats?.command?.join(" ").includes("/etc/nats/nats-server.conf"), "nats runs with the generated config");
if (problems.length) {
  for (const p of problems) console.error(`  missing: ${p}`);
  process.exit(1);
}
JS
for example in docker/fleet/front.example.yaml docker/fleet/agent.example.yaml; do
  if npx --no-install tsx -e '
    import("./src/config.ts").then(({ loadConfig }) => {
      const c = loadConfig({ BANBOT_NATS_URL: "nats://127.0.0.1:4222" }, require("node:fs").readFileSync(process.argv[1], "utf8"));
      if (c.fleet.auth.kind !== "nkey") throw new Error("no nkey_seed_file");
    }).catch((err) => { console.error(err.message); process.exit(1); });' "$example"; then
    ok "$example is a valid fleet config"
  else
    fail "$example does not load"
  fi
done

# --- Dockerfile --------------------------------------------------------------------------------------
dockerfile=docker/Dockerfile
if command -v hadolint >/dev/null 2>&1; then
  # DL3008: apt packages are Debian's current ones on purpose (security updates); pinning would rot.
  if hadolint --ignore DL3008 "$dockerfile"; then ok "hadolint $dockerfile"; else fail "hadolint $dockerfile"; fi
else
  problems=()
  grep -Eq '^FROM .* AS build$' "$dockerfile" || problems+=("a build stage")
  grep -Eq '^FROM .* AS runtime$' "$dockerfile" || problems+=("a runtime stage")
  grep -Eq '^ARG NODE_IMAGE=node:22-bookworm-slim$' "$dockerfile" || problems+=("node:22-bookworm-slim")
  grep -Eq '^HEALTHCHECK .*' "$dockerfile" && grep -q '/healthz' "$dockerfile" || problems+=("HEALTHCHECK on /healthz")
  grep -Eq '^ENTRYPOINT \["node", ("--[a-z-]+=[0-9]+", )*"dist/src/cli.js"\]$' "$dockerfile" || problems+=('ENTRYPOINT ["node", <flags>, "dist/src/cli.js"]')
  grep -Eq '^CMD \["start"\]$' "$dockerfile" || problems+=('CMD ["start"]')
  grep -Eq '^USER ' "$dockerfile" || problems+=("an explicit USER")
  ! grep -Eiq '^ADD +https?:' "$dockerfile" || problems+=("no ADD of a URL")
  ! grep -Eq '^(RUN|COPY|ADD|ENV|FROM|WORKDIR|USER|CMD|ENTRYPOINT|HEALTHCHECK|ARG|VOLUME|EXPOSE|LABEL)[a-z]' "$dockerfile" || problems+=("well-formed instructions")
  # Every instruction line is a known instruction (continuations and comments aside).
  bad="$(awk '/^[[:space:]]*(#|$)/ {next} prev ~ /\\$/ {prev=$0; next} {prev=$0; if ($1 !~ /^(FROM|RUN|COPY|ADD|ENV|ARG|WORKDIR|USER|CMD|ENTRYPOINT|HEALTHCHECK|VOLUME|EXPOSE|LABEL|SHELL|STOPSIGNAL|ONBUILD)$/) print NR": "$0}' "$dockerfile")"
  [ -z "$bad" ] || problems+=("unknown instruction at $bad")
  # Files the runtime stage copies from the context exist.
  while read -r src; do [ -e "$src" ] || problems+=("COPY source $src exists"); done < <(awk '$1 == "COPY" && $2 !~ /^--from/ {for (i = 2; i < NF; i++) print $i}' "$dockerfile")
  # The ignore file lets those sources in.
  [ -f docker/Dockerfile.dockerignore ] || problems+=("docker/Dockerfile.dockerignore")
  if [ ${#problems[@]} -eq 0 ]; then ok "$dockerfile (structural; hadolint not installed)"; else fail "$dockerfile: ${problems[*]}"; fi
fi

# --- the image builds what the CLI runs -------------------------------------------------------------
# The built CLI runs the bundle and code cache that `npm run build` makes (scripts/bundle.ts); an image
# without them still works, but every command in it would start several times slower.
problems=()
grep -Eq '^COPY scripts/bundle.ts ' "$dockerfile" || problems+=("the build stage copies scripts/bundle.ts")
grep -qx '!scripts/bundle.ts' docker/Dockerfile.dockerignore || problems+=("Dockerfile.dockerignore lets scripts/bundle.ts in")
grep -Eq '^RUN npm run build( |$)' "$dockerfile" || problems+=("the build stage runs npm run build")
grep -Eq '"build": "[^"]*scripts/bundle.ts' package.json || problems+=("npm run build bundles (scripts/bundle.ts)")
if [ ${#problems[@]} -eq 0 ]; then ok "the image builds the bundle the CLI runs"; else fail "bundle: ${problems[*]}"; fi

# --- systemd unit ------------------------------------------------------------------------------------
unit=docker/systemd/banbot.service
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify checks that ExecStart's binary exists: point it at this machine's node for the check.
  tmp="$(mktemp -d)"
  sed "s|^ExecStart=/usr/bin/node |ExecStart=$(command -v node) |" "$unit" > "$tmp/banbot.service"
  if out="$(systemd-analyze verify "$tmp/banbot.service" 2>&1)" && [ -z "$out" ]; then
    ok "systemd-analyze verify $unit"
  else
    echo "$out" >&2
    fail "systemd-analyze verify $unit"
  fi
  rm -rf "$tmp"
else
  problems=()
  for section in Unit Service Install; do grep -q "^\[$section\]$" "$unit" || problems+=("[$section]"); done
  grep -Eq '^ExecStart=/[^ ]+ .*cli\.js start$' "$unit" || problems+=("ExecStart=… start")
  bad="$(grep -Env '^(#.*|\[[A-Za-z]+\]|[A-Za-z]+=.*|)$' "$unit" || true)"
  [ -z "$bad" ] || problems+=("unparsable lines: $bad")
  if [ ${#problems[@]} -eq 0 ]; then ok "$unit (parsed; systemd-analyze not installed)"; else fail "$unit: ${problems[*]}"; fi
fi

if [ "$failures" -gt 0 ]; then
  echo "check-docker: $failures check(s) failed" >&2
  exit 1
fi
