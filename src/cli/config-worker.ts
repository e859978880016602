// The reload's worker thread: reads, parses and checks the command line and --config file off the loop's thread, and posts back plain options.
import { parseArgs, UsageError } from "./server-flags.ts";

/** What the worker posts: the options (structured-cloned: plain data), or the one-line reason it refused. */
export type ParsedReply = { options: ReturnType<typeof parseArgs> } | { refused: string };

declare const self: Worker;

/** How often the loop's thread is woken until it takes the reply: well under select()'s 1 s, a few signals in all. */
const WAKE_INTERVAL_MS = 20;

self.onmessage = (event: MessageEvent<readonly string[]>) => {
  let reply: ParsedReply;
  try {
    reply = { options: parseArgs(event.data) };
  } catch (error) {
    // Anything else is a bug in parsing; a reload must not end a serving server over it, so it is refused too.
    reply = { refused: error instanceof UsageError ? error.message : `cannot read the configuration: ${(error as Error).message}` };
  }
  self.postMessage(reply);
  // The loop's thread may sleep in select() for up to a second, and a message does not wake it; a signal does
  // (EINTR). SIGUSR2 is caught and ignored by the server (src/ops/signals.ts), so it only ends that wait. One
  // signal may land just before select() starts: repeat until the main thread has the reply and ends this worker.
  const wake = () => process.kill(process.pid, "SIGUSR2");
  wake();
  setInterval(wake, WAKE_INTERVAL_MS);
};
