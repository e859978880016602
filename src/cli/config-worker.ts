// The reload's worker thread: reads, parses and checks the command line and --config file off the loop's thread, and posts back plain options.
import { wakeLoop } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";
import { parseArgs } from "./server-flags.ts";
import type { Config } from "./server-options.ts";
import { packOptions, type ParseRequest, type ParsedReply } from "./worker-messages.ts";

declare const self: Worker;

self.onmessage = ({ data: { argv, wakeFd } }: MessageEvent<ParseRequest>) => {
  let reply: ParsedReply<Config>;
  try {
    reply = { packed: packOptions(parseArgs(argv)) };
  } catch (error) {
    // Anything but a ConfigError is a bug in parsing, not a bad file: the reload reports it as an internal error (and keeps serving).
    reply =
      error instanceof ConfigError
        ? { refused: error.message }
        : { failed: `cannot read the configuration: ${String(error)}` };
  }
  self.postMessage(reply);
  // The loop's thread may sleep in select() for up to a second, and a message does not wake it: the loop's self-pipe does.
  wakeLoop(wakeFd);
};
