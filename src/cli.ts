#!/usr/bin/env node
import { main } from "./main.js";

try {
  process.exitCode = await main(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    stdin: process.stdin,
    stdout: process.stdout,
  });
} catch (err) {
  console.error("banbot: unexpected failure", err);
  process.exitCode = 70;
}
