// The reload's worker thread: reads, parses and checks the command line and --config file off the loop's thread, and posts back plain options and the access lists built.
import { wakeLoop } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";
import { accessTables, buildAccessLists } from "../policy/access-policy.ts";
import { parseArgs } from "./server-flags.ts";
import type { Config } from "./server-options.ts";
import { packOptions, type ParseRequest, type ParsedReply } from "./worker-messages.ts";

declare const self: Worker;

self.onmessage = ({ data: { argv, wakeFd } }: MessageEvent<ParseRequest>) => {
  let reply: ParsedReply<Config>;
  let transfer: ArrayBuffer[] = [];
  try {
    const config = parseArgs(argv);
    // Built here, not on the loop's thread: parsing and sorting a 100,000-entry list would hold the loop (bench/PROFILE.md).
    const access = accessTables(buildAccessLists(config.hardening.allow, config.hardening.deny));
    reply = { packed: packOptions(config), access: access.tables };
    transfer = access.transfer;
  } catch (error) {
    // Anything but a ConfigError is a bug in parsing, not a bad file: the reload reports it as an internal error (and keeps serving).
    reply =
      error instanceof ConfigError
        ? { refused: error.message }
        : { failed: `cannot read the configuration: ${String(error)}` };
  }
  self.postMessage(reply, transfer);
  // The loop's thread may sleep in select() for up to a second, and a message does not wake it: the loop's self-pipe does.
  wakeLoop(wakeFd);
};
