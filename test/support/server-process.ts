// Spawn the real server as a subprocess, wait for its ready line, read its output, kill it for sure.
import type { Subprocess } from "bun";
import { runCommand } from "./commands.ts";

const SERVER = new URL("../../src/server.ts", import.meta.url).pathname;
const children = new Set<Subprocess>();

/** Line-by-line reader over a child's stdout or stderr, kept whole for later assertions. */
export class Lines {
  readonly all: string[] = [];
  #waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  #ended = false;
  #endWaiters: (() => void)[] = [];

  constructor(stream: ReadableStream<Uint8Array>) {
    void this.#pump(stream);
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of stream) {
      partial += decoder.decode(chunk, { stream: true });
      const parts = partial.split("\n");
      partial = parts.pop()!;
      for (const line of parts) this.#push(line);
    }
    if (partial) this.#push(partial);
    this.#ended = true;
    for (const resolve of this.#endWaiters) resolve();
    for (const waiter of this.#waiters) waiter.resolve("");
  }

  #push(line: string): void {
    this.all.push(line);
    this.#waiters = this.#waiters.filter((w) => (w.test(line) ? (w.resolve(line), false) : true));
  }

  /** The first line (already seen or still to come) that matches; "" if the stream ends first. `from`: skip the first lines seen (a reply to a later signal). */
  waitFor(pattern: RegExp, from = 0): Promise<string> {
    const seen = this.all.slice(from).find((line) => pattern.test(line));
    if (seen !== undefined || this.#ended) return Promise.resolve(seen ?? "");
    return new Promise((resolve) => this.#waiters.push({ test: (line) => pattern.test(line), resolve }));
  }

  /** Resolves when the stream is closed (the child exited or closed it). */
  ended(): Promise<void> {
    return this.#ended ? Promise.resolve() : new Promise((resolve) => this.#endWaiters.push(resolve));
  }

  count(pattern: RegExp): number {
    return this.all.filter((line) => pattern.test(line)).length;
  }
}

export interface ServerProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  stdout: Lines;
  stderr: Lines;
  /** From the ready line, "listening on port N". */
  port: number;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Spawn `bun src/server.ts ARGS` (plus any `env`) without waiting for anything. */
export function spawnServer(args: string[], env: Record<string, string> = {}) {
  return spawnTracked(serverCommand(args), env);
}

/** The server's command line, for a wrapper that execs it (socket activation tests). */
export function serverCommand(args: string[] = []): string[] {
  return [process.execPath, SERVER, ...args];
}

/** Spawn any `argv` that ends up running the server, killed by killAll like the rest. */
export function spawnTracked(argv: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn(argv, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return { proc, stdout: new Lines(proc.stdout), stderr: new Lines(proc.stderr) };
}

/**
 * Spawn the server on loopback port 0 (unless args say otherwise) and wait for its ready line.
 * `wrapper` is a command that sets something up and execs the rest (socket activation, supplementary groups).
 */
export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  wrapper: string[] = [],
): Promise<ServerProcess> {
  const withDefaults = [
    ...(args.includes("--host") ? [] : ["--host", "127.0.0.1"]),
    ...(args.includes("--port") ? [] : ["--port", "0"]),
    ...args,
  ];
  const { proc, stdout, stderr } = spawnTracked([...wrapper, ...serverCommand(withDefaults)], env);
  const ready = await Promise.race([stdout.waitFor(/^listening on port \d+$/), proc.exited.then(() => "")]);
  if (!ready) {
    await stderr.ended();
    throw new Error(`server did not start: ${stderr.all.join(" | ")}`);
  }
  return {
    proc,
    stdout,
    stderr,
    port: Number(ready.split(" ").pop()),
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      proc.kill(signal);
      return proc.exited;
    },
  };
}

/** Kill every child still running (every test file calls this in afterAll): SIGTERM, then SIGKILL for any that has not gone after 2 s. */
export async function killAll(): Promise<void> {
  const running = [...children];
  for (const child of running) child.kill("SIGTERM");
  const timeout = setTimeout(() => running.forEach((child) => child.kill("SIGKILL")), 2000);
  await Promise.all(running.map((child) => child.exited));
  clearTimeout(timeout);
}

/** What a server run that ended by itself printed, line by line. */
export interface ServerRun {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/** A command's output as lines, without the empty string after the last newline. */
const linesOf = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));

/**
 * Run `bun src/server.ts ARGS` exactly as given until it exits by itself (bad flags, --help, a port
 * in use); runCommand's hang guard turns a server that keeps running into a failure.
 */
export async function runServer(args: string[], hangGuardMs = 20_000): Promise<ServerRun> {
  const run = await runCommand(serverCommand(args), { hangGuardMs });
  return { code: run.code, stdout: linesOf(run.stdout), stderr: linesOf(run.stderr) };
}
