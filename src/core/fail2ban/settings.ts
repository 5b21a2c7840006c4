import type { z } from "zod";
import type { Capabilities } from "./capabilities.js";
import {
  boolSchema,
  datePatternSchema,
  ignoreListSchema,
  intSchema,
  optionalSchema,
  stringListSchema,
  stringSchema,
  type JailStatus,
} from "./parse.js";

/** Seconds; bantime -1 means permanent. */
export interface JailLimits {
  bantime: number;
  findtime: number;
  maxretry: number;
}

export interface JailSettings extends JailLimits {
  /** Known for certain only from 1.1 on; before, `systemd` is inferred from journal matches. */
  backend: string | undefined;
  logpaths: string[];
  journalMatches: string[];
  failregex: string[];
  ignoreregex: string[];
  datepattern: { pattern: string; name: string } | undefined;
  logencoding: string;
  actions: string[];
  ignoreself: boolean;
  ignoreip: string[];
  /** undefined on servers older than 0.11, which have no ban-time increment. */
  bantimeIncrement: BantimeIncrement | undefined;
  /** The short status the settings were read with (its counters, without the address list). */
  status: JailStatus;
}

export interface BantimeIncrement {
  enabled: boolean;
  factor?: string;
  formula?: string;
  multipliers?: string;
  maxtime?: string;
  rndtime?: string;
  overalljails?: string;
}

interface JailReader {
  get<T>(schema: z.ZodType<T>, key: string): Promise<T>;
  status(): Promise<JailStatus>;
  backend(): Promise<string | undefined>;
}

const INCREMENT_KEYS = ["factor", "formula", "multipliers", "maxtime", "rndtime", "overalljails"] as const;

// One `get` per setting: fail2ban has no bulk getter. Sequential on purpose, the connection is a FIFO.
export async function readJailLimits(io: Pick<JailReader, "get">): Promise<JailLimits> {
  return {
    bantime: await io.get(intSchema, "bantime"),
    findtime: await io.get(intSchema, "findtime"),
    maxretry: await io.get(intSchema, "maxretry"),
  };
}

export async function readJailSettings(caps: Capabilities, io: JailReader): Promise<JailSettings> {
  const status = await io.status();
  const settings: JailSettings = {
    ...(await readJailLimits(io)),
    backend: caps.statsFlavor ? await io.backend() : status.journalMatches.length > 0 ? "systemd" : undefined,
    logpaths: status.journalMatches.length > 0 ? [] : await io.get(stringListSchema, "logpath"),
    journalMatches: status.journalMatches,
    failregex: await io.get(stringListSchema, "failregex"),
    ignoreregex: await io.get(stringListSchema, "ignoreregex"),
    datepattern: await io.get(datePatternSchema, "datepattern"),
    logencoding: await io.get(stringSchema, "logencoding"),
    actions: await io.get(stringListSchema, "actions"),
    ignoreself: await io.get(boolSchema, "ignoreself"),
    ignoreip: await io.get(ignoreListSchema, "ignoreip"),
    bantimeIncrement: undefined,
    status,
  };
  if (caps.banipGet) {
    const increment: BantimeIncrement = { enabled: (await io.get(optionalSchema, "bantime.increment")) === true };
    for (const key of INCREMENT_KEYS) {
      const value = await io.get(optionalSchema, `bantime.${key}`);
      if (value !== undefined) increment[key] = String(value);
    }
    settings.bantimeIncrement = increment;
  }
  return settings;
}
