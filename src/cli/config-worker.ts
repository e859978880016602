// The reload's worker thread: reads, parses and checks the command line and --config file off the loop's thread, and posts back plain options.
import { wakeLoop } from "../../native/index.ts";
import { parseArgs, UsageError } from "./server-flags.ts";
import { packOptions, type ParseRequest, type ParsedReply } from "./worker-messages.ts";

declare const self: Worker;

self.onmessage = ({ data: { argv, wakeFd } }: MessageEvent<ParseRequest>) => {
  let reply: ParsedReply;
  try {
    reply = { packed: packOptions(parseArgs(argv)) };
  } catch (error) {
    // Anything else is a bug in parsing; a reload must not end a serving server over it, so it is refused too.
    reply = { refused: error instanceof UsageError ? error.message : `cannot read the configuration: ${(error as Error).message}` };
  }
  self.postMessage(reply);
  // The loop's thread may sleep in select() for up to a second, and a message does not wake it: the loop's self-pipe does.
  wakeLoop(wakeFd);
};
