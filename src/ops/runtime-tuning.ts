// Bun settings the server runs with; only the environment can set them, so the CLI re-executes itself once to apply them.
import { clearCloseOnExec, execProgram } from "../../native/index.ts";
import { LISTEN_FDS_START, listenFdCount } from "./socket-activation.ts";
import { selfArgv } from "../base/invocation.ts";

/**
 * Each one measured on this server under bench load; a value the user already set wins. Together they
 * lower peak RSS and idle wake-ups and leave the CPU per request as it was (figures: bench/PROFILE.md,
 * "Measurements behind the code's comments").
 */
export const RUNTIME_TUNING: Readonly<Record<string, string>> = {
  // JavaScriptCore's top JIT tier maps more of Bun's executable and adds nothing to a loop that is
  // mostly syscalls: the CPU per TCP request is the same with it off.
  BUN_JSC_useFTLJIT: "0",
  // Bun's GC timer collects once a second while the heap changes: ~6 wake-ups a second of an
  // otherwise idle server. JavaScriptCore's own allocation-driven collections still run.
  BUN_GC_TIMER_DISABLE: "1",
  // mimalloc returns freed memory after a delay, from a thread that then wakes about once a
  // second; returning it at once costs nothing measurable here.
  MIMALLOC_PURGE_DELAY: "0",
};

/** The environment with the tuning added, or null when every setting is already there (as user or as us). */
export function tunedEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> | null {
  const missing = Object.keys(RUNTIME_TUNING).filter((name) => env[name] === undefined);
  if (missing.length === 0) return null;
  const tuned: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) tuned[name] = value;
  for (const name of missing) tuned[name] = RUNTIME_TUNING[name]!;
  return tuned;
}

/**
 * Re-execute this same program with the tuning, before anything is bound. The pid stays, so
 * systemd's LISTEN_PID still names us. Bun marks every inherited fd from 4 up close-on-exec at
 * start-up, so the sockets systemd passed are handed on explicitly; any other fd a parent left
 * open is closed by the execve, as a daemon's closefrom() would. If execve fails, run untuned.
 */
export function applyRuntimeTuning(): void {
  const tuned = tunedEnvironment(process.env);
  if (!tuned) return;
  try {
    const passed = listenFdCount();
    for (let fd = LISTEN_FDS_START; fd < LISTEN_FDS_START + passed; fd++) clearCloseOnExec(fd);
    execProgram(process.execPath, selfArgv(), tuned);
  } catch {
    // Untuned is still correct: only memory and idle wake-ups are at stake. A bad LISTEN_FDS or
    // passed fd is reported by socket activation itself, a moment later.
  }
}
