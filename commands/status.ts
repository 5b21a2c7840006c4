import { defineCommand } from "../src/core/command/model.js";
import { isUserError } from "../src/core/errors.js";
import type { Field } from "../src/core/reply.js";
import { liveJobRunner } from "../src/core/job-runner.js";
import type { Ctx, Services } from "../src/core/services.js";
import { formatRelative } from "../src/core/time-format.js";
import type { JobRuns } from "../src/core/ports/job-runs.js";

export const status = defineCommand({
  path: ["status"],
  summary: "Is fail2ban reachable? Version, jails, ban counts, and BanBot's background jobs",
  examples: ["status"],
  options: [],
  role: "viewer",
  effect: "read",
  async run(_values, { fail2ban, jobs, alerts, clock, host }: Ctx<"fail2ban" | "jobs" | "alerts" | "clock" | "host">) {
    const botFields = [...jobFields(jobs, clock.now()), spikeField(alerts, jobs, clock.now())];
    try {
      const version = await fail2ban.version();
      const { jails } = await fail2ban.status();
      let current = 0;
      let total = 0;
      for (const jail of jails) {
        const s = await fail2ban.jailStatus(jail, { short: true });
        current += s.currentlyBanned;
        total += s.totalBanned;
      }
      return {
        title: `fail2ban ${version} is up on ${host}`,
        tone: "ok",
        fields: [
          { label: "Jails", value: jails.length === 0 ? "none" : `${jails.length} (${jails.join(", ")})` },
          { label: "Banned now", value: String(current) },
          { label: "Banned since start", value: String(total) },
          ...botFields,
        ],
      };
    } catch (err) {
      // Unreachability is the answer here, not a failure of the command.
      if (!isUserError(err)) throw err;
      return { title: `fail2ban is not answering on ${host}`, tone: "error", text: err.message, fields: botFields };
    }
  },
});

function jobFields(jobs: JobRuns, now: number): Field[] {
  const holder = liveJobRunner(jobs, now);
  const runner = holder ? `run by ${holder.owner}` : "not running: no `banbot start` process holds the job lock";
  const runs = jobs.list();
  const failing = runs.filter((r) => !r.ok);
  const latest = runs.reduce<number | undefined>((at, r) => Math.max(at ?? 0, r.lastRunAt), undefined);
  const lines = [
    runner,
    ...(latest === undefined ? [] : [`last run ${formatRelative(latest, now)}; ${runs.length} jobs, ${failing.length ? `failing: ${failing.map((r) => r.name).join(", ")}` : "all succeeding"}`]),
  ];
  return [{ label: "Background jobs", value: lines.join("\n") }];
}

// How quickly a ban spike is noticed depends on the history capture: say which way it is watched.
function spikeField(alerts: Pick<Services["alerts"], "spikeDetection">, jobs: JobRuns, now: number): Field {
  const sources = alerts.spikeDetection();
  const value =
    liveJobRunner(jobs, now) === undefined
      ? "not watched: no `banbot start` process runs the jobs"
      : sources === undefined
        ? "starting: the first check runs within a minute"
        : sources;
  return { label: "Spike detection", value };
}
