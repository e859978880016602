// Removing a variable from the C environment: Bun's process.env is a copy that unsetenv(3) and libc never see.
import { libc } from "./libc.ts";
import { cString } from "./c-string.ts";
import { fail } from "./errno.ts";

/** unsetenv(name): gone for getenv and for anything exec'd through libc. (Callers delete it from process.env too.) */
export function unsetEnvironment(name: string): void {
  const cName = name === "" || name.includes("=") ? null : cString(name);
  if (!cName) throw new RangeError(`not a variable name: ${JSON.stringify(name)}`);
  if (libc.unsetenv(cName) < 0) fail("unsetenv");
}
