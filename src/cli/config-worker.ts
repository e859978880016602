// The reload's worker thread: reads, parses and checks the command line and --config file off the loop's thread, and posts back plain options.
import { parseArgs, UsageError } from "./server-flags.ts";
import { WORKER_ACK, packOptions, type ParsedReply } from "./worker-messages.ts";

/** How often the loop's thread is woken until it takes the reply: well under select()'s 1 s, a few signals in all. */
const WAKE_INTERVAL_MS = 20;

declare const self: Worker;
let waking: ReturnType<typeof setInterval> | undefined;

/** The loop's thread may sleep in select() for up to a second, and a message does not wake it; a signal does (EINTR). */
function wakeLoop(): void {
  // SIGUSR2 is caught and ignored by the server (src/ops/signals.ts), so it only ends that wait.
  process.kill(process.pid, "SIGUSR2");
}

self.onmessage = (event: MessageEvent<readonly string[] | typeof WORKER_ACK>) => {
  if (event.data === WORKER_ACK) return void clearInterval(waking);
  let reply: ParsedReply;
  try {
    reply = { packed: packOptions(parseArgs(event.data)) };
  } catch (error) {
    // Anything else is a bug in parsing; a reload must not end a serving server over it, so it is refused too.
    reply = { refused: error instanceof UsageError ? error.message : `cannot read the configuration: ${(error as Error).message}` };
  }
  self.postMessage(reply);
  // One signal may land just before select() starts: repeat until the loop's thread acknowledges.
  wakeLoop();
  waking = setInterval(wakeLoop, WAKE_INTERVAL_MS);
};
