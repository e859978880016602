#!/usr/bin/env bun
// rdate-like client entry: `bun run src/client.ts HOST [--port N] [--udp] [--timeout S] [--json]`.
import { platformProblem } from "../native/platform.ts";

import { die } from "./cli/die.ts";

/** The client's name in messages, and the name it is installed under: a symlink to the single executable (src/executable.ts). */
export const CLIENT_NAME = "rfc868-client";

/** `+0.123 s` / `-1.500 s`. */
const signedSeconds = (seconds: number) => `${seconds >= 0 ? "+" : "-"}${Math.abs(seconds).toFixed(3)} s`;

async function main(argv: readonly string[]): Promise<void> {
  // Checked before anything loads libc, as in src/server.ts.
  const problem = platformProblem();
  if (problem) die(problem, 1, CLIENT_NAME);
  const { parseClientArgs, clientUsage, resolveHost } = await import("./cli/client-flags.ts");
  const { UsageError } = await import("./cli/flags.ts");
  const { queryTime, QueryError } = await import("./client/time-query.ts");
  const { SECONDS_1900_TO_1970, unixSecondsFromRfc868 } = await import("./base/rfc868.ts");
  const { programName } = await import("./base/invocation.ts");

  let options, address;
  try {
    options = parseClientArgs(argv);
    if (options.help) return void console.log(clientUsage(programName()));
    if (options.version) return void console.log((await import("./base/build-info.ts")).versionText());
    address = resolveHost(options.host!);
  } catch (error) {
    if (error instanceof UsageError) die(error.message, 2, CLIENT_NAME);
    throw error;
  }
  const transport = options.udp ? "udp" : "tcp";
  const where = `${options.host} port ${options.port} (${transport})`;

  let reply;
  try {
    reply = queryTime({ address, port: options.port, transport, timeoutMs: options.timeoutMs });
  } catch (error) {
    if (error instanceof QueryError) die(`${where}: ${error.message}`, 1, CLIENT_NAME);
    throw error;
  }
  const unixSeconds = unixSecondsFromRfc868(reply.value);
  const time = new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
  // The value counts whole seconds: the server's clock was somewhere in [value, value + 1), so take the middle,
  // and compare it with the local clock at the middle of the round trip.
  const offsetSeconds = unixSeconds + 0.5 - (reply.sentAtMs + reply.roundTripMs / 2) / 1000;
  const afterWrap = reply.value < SECONDS_1900_TO_1970;

  if (options.json) {
    const fields = {
      host: options.host,
      port: options.port,
      transport,
      value: reply.value,
      time,
      unix_seconds: unixSeconds,
      after_2036_wrap: afterWrap,
    };
    console.log(
      JSON.stringify({
        ...fields,
        offset_seconds: Number(offsetSeconds.toFixed(3)),
        round_trip_ms: Number(reply.roundTripMs.toFixed(3)),
      }),
    );
    return;
  }
  console.log(`${where}: ${time}${afterWrap ? ` (value ${reply.value}, read as after the 2036 wrap)` : ""}`);
  console.log(
    `offset ${signedSeconds(offsetSeconds)} (server minus local clock; the protocol counts whole seconds, so +-0.5 s is agreement)`,
  );
  console.log(`round trip ${reply.roundTripMs.toFixed(3)} ms`);
}

/** Run the client's command line; also the single executable's entry when invoked as rfc868-client (src/executable.ts). */
export function runClient(argv: readonly string[]): void {
  main(argv).catch((error: Error) => die(error.message, 1, CLIENT_NAME));
}

if (import.meta.main) runClient(process.argv.slice(2));
