import { createRequire } from "node:module";
import type * as PromClient from "prom-client";
import type { Registry } from "prom-client";
import type { CommandEvent } from "../core/dispatch.js";
import type { Fail2ban } from "../core/ports/fail2ban.js";
import type { RoundTripEvent } from "../core/fail2ban/connection.js";

export interface Metrics {
  registry: Registry;
  observeCommand(event: CommandEvent): void;
  observeFail2ban(event: RoundTripEvent): void;
  observeJob(name: string, ok: boolean): void;
  alertsSent(count: number): void;
}

/**
 * BanBot's Prometheus metrics, on a registry of its own (no process-global default registry).
 * fail2ban's own counters and the outbox backlog are read when scraped. The process metrics are
 * prom-client's standard ones (process_resident_memory_bytes, process_cpu_seconds_total,
 * nodejs_eventloop_lag_seconds, nodejs_gc_duration_seconds, …) under their usual names, so stock
 * Node.js dashboards and alerts work on them.
 */
export function createMetrics(deps: { fail2ban: Pick<Fail2ban, "status" | "jailStatus">; pendingAlerts: () => number }): Metrics {
  // Loaded here, not on import: prom-client brings node's HTTP, TLS and zlib modules with it, which
  // a one-shot command (that keeps no metrics) would load for nothing.
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = createRequire(import.meta.url)("prom-client") as typeof PromClient;
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const commands = new Counter({ name: "banbot_commands_total", help: "Commands run, by command and outcome", labelNames: ["command", "outcome"], registers });
  const latency = new Histogram({
    name: "banbot_command_duration_seconds",
    help: "Time from command line to reply",
    labelNames: ["command"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  // From a ping (well under a millisecond) to a 100k-address list with times (seconds).
  const roundTrips = new Histogram({
    name: "banbot_fail2ban_round_trip_seconds",
    help: "fail2ban socket round trips, from request sent to reply decoded, by command",
    labelNames: ["command", "outcome"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const jobRuns = new Counter({ name: "banbot_job_runs_total", help: "Background job runs", labelNames: ["job"], registers });
  const jobFailures = new Counter({ name: "banbot_job_failures_total", help: "Background job runs that failed", labelNames: ["job"], registers });
  const sent = new Counter({ name: "banbot_alerts_sent_total", help: "Alert messages delivered to a chat platform", registers });
  new Gauge({
    name: "banbot_alerts_pending",
    help: "Alert messages waiting in the outbox",
    registers,
    collect() {
      this.set(deps.pendingAlerts());
    },
  });
  // The registry collects every metric at once, so the three fail2ban gauges share one reading per scrape.
  let reading: Promise<Reading> | undefined;
  const read = (): Promise<Reading> => {
    // Shared by the collects of one scrape (started together), never by the next scrape.
    reading ??= readFail2ban(deps.fail2ban).finally(() => setImmediate(() => (reading = undefined)));
    return reading;
  };
  new Gauge({
    name: "banbot_fail2ban_up",
    help: "1 when fail2ban answered the last scrape",
    registers,
    async collect() {
      this.set((await read()).up ? 1 : 0);
    },
  });
  new Gauge({
    name: "banbot_fail2ban_banned",
    help: "Addresses banned now, per jail",
    labelNames: ["jail"],
    registers,
    async collect() {
      this.reset();
      for (const j of (await read()).jails) this.set({ jail: j.jail }, j.banned);
    },
  });
  new Gauge({
    name: "banbot_fail2ban_bans_since_start",
    help: "Bans per jail since fail2ban started (fail2ban's own counter)",
    labelNames: ["jail"],
    registers,
    async collect() {
      this.reset();
      for (const j of (await read()).jails) this.set({ jail: j.jail }, j.total);
    },
  });
  return {
    registry,
    observeCommand({ command, outcome, durationMs }) {
      commands.inc({ command: command || "unknown", outcome });
      latency.observe({ command: command || "unknown" }, durationMs / 1000);
    },
    observeFail2ban({ command, seconds, outcome }) {
      roundTrips.observe({ command, outcome }, seconds);
    },
    observeJob(name, ok) {
      jobRuns.inc({ job: name });
      if (!ok) jobFailures.inc({ job: name });
    },
    alertsSent: (count) => sent.inc(count),
  };
}

interface Reading {
  up: boolean;
  jails: { jail: string; banned: number; total: number }[];
}

async function readFail2ban(fail2ban: Pick<Fail2ban, "status" | "jailStatus">): Promise<Reading> {
  try {
    const jails: Reading["jails"] = [];
    for (const jail of (await fail2ban.status()).jails) {
      const s = await fail2ban.jailStatus(jail, { short: true });
      jails.push({ jail, banned: s.currentlyBanned, total: s.totalBanned });
    }
    return { up: true, jails };
  } catch {
    return { up: false, jails: [] };
  }
}
