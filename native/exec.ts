// execve(2): replace this process (same pid, same open fds) with a program, argv and environment given as JS strings.
import { ptr } from "bun:ffi";
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { cString } from "./c-string.ts";

/** A C string for exec, which cannot carry a NUL inside an argument or variable. */
function execString(text: string): Uint8Array {
  const bytes = cString(text);
  if (!bytes) throw new RangeError(`an exec argument cannot contain NUL: ${JSON.stringify(text)}`);
  return bytes;
}

/** A NULL-terminated char *[]; `keep` holds the strings, which must outlive the call. */
function cStringArray(texts: readonly string[], keep: Uint8Array[]): BigUint64Array {
  const array = new BigUint64Array(new ArrayBuffer(8 * (texts.length + 1)));
  texts.forEach((text, i) => {
    const bytes = execString(text);
    keep.push(bytes);
    array[i] = BigInt(ptr(bytes));
  });
  return array;
}

/** Replace this process; returns only by throwing the SyscallError of a failed execve. */
export function execProgram(path: string, argv: readonly string[], env: Readonly<Record<string, string>>): never {
  const cPath = execString(path); // a "cstring" argument would pass a JS string on without its NUL check
  const keep: Uint8Array[] = [cPath];
  const cArgv = cStringArray(argv, keep);
  const cEnv = cStringArray(
    Object.entries(env).map(([name, value]) => `${name}=${value}`),
    keep,
  );
  try {
    libc.execve(cPath, cArgv, cEnv); // returns only on failure
    return fail("execve");
  } finally {
    keep.length = 0; // a use after the call: `keep` pins every string the arrays point to until then
  }
}
