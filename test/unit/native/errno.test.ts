// native/errno.ts and socket.ts: real failed syscalls become SyscallErrors, and bad integers never reach libc.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { fstatSync } from "node:fs";
import { LINUX } from "../../../native/platform.ts";
import { SyscallError, errnoClass, errnoCode } from "../../../native/errno.ts";
import { errnoName } from "../../../native/errno-names.ts";
import { encodeSockaddr } from "../../../native/sockaddr.ts";
import {
  bindSocket,
  closeFd,
  getSocketOption,
  openSocket,
  setSocketOption,
  socketName,
} from "../../../native/socket.ts";
import { checkFd, checkInt } from "../../../native/checked-int.ts";
import { killAll } from "../../support/server-process.ts";
import { runCommand } from "../../support/commands.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** fds a test opened and has not closed yet; afterEach closes them even when the test failed. */
const open = new Set<number>();

function tcpSocket(): number {
  const fd = openSocket(LINUX.AF_INET, LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC);
  open.add(fd);
  return fd;
}

function close(fd: number): void {
  open.delete(fd);
  closeFd(fd);
}

/** Whether `fd` is still an open socket of ours (SO_TYPE answers only on a live socket). */
function isOpenStreamSocket(fd: number): boolean {
  try {
    return getSocketOption(fd, "SO_TYPE") === LINUX.SOCK_STREAM;
  } catch {
    return false;
  }
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, but the call returned");
}

afterEach(() => {
  for (const fd of open) close(fd);
});

describe("SyscallError from real failures", () => {
  test("a second bind to the same 127.0.0.1 port is EADDRINUSE, with the syscall, errno, code and strerror text", () => {
    const first = tcpSocket();
    const second = tcpSocket();
    bindSocket(first, encodeSockaddr({ address: "127.0.0.1", port: 0 }));
    const { port } = socketName(first);
    const error = thrown(() => bindSocket(second, encodeSockaddr({ address: "127.0.0.1", port })));
    expect(error).toBeInstanceOf(SyscallError);
    const failure = error as SyscallError;
    expect(failure.syscall).toBe("bind");
    expect(failure.errno).toBe(98);
    expect(failure.code).toBe("EADDRINUSE");
    expect(failure.message).toBe("bind: Address already in use (EADDRINUSE)");
    expect(failure.name).toBe("SyscallError");
    expect(errnoCode(failure)).toBe("EADDRINUSE");
  });

  test("closing an fd that was just closed is EBADF", () => {
    const fd = tcpSocket();
    close(fd);
    const error = thrown(() => closeFd(fd)) as SyscallError;
    expect(error).toBeInstanceOf(SyscallError);
    expect([error.syscall, error.errno, error.code]).toEqual(["close", 9, "EBADF"]);
    expect(error.message).toBe("close: Bad file descriptor (EBADF)");
  });

  test("closing an fd number no process can have open is EBADF too", () => {
    const error = thrown(() => closeFd(2 ** 31 - 1)) as SyscallError;
    expect(error).toBeInstanceOf(SyscallError);
    expect(error.code).toBe("EBADF");
  });

  test("a socket option error names the option, as anet's do: setsockopt IPV6_V6ONLY on an IPv4 socket", () => {
    const fd = tcpSocket();
    const error = thrown(() => setSocketOption(fd, "IPV6_V6ONLY", 0)) as SyscallError;
    expect(error).toBeInstanceOf(SyscallError);
    expect(error.syscall).toBe("setsockopt IPV6_V6ONLY");
    expect(error.message).toMatch(/^setsockopt IPV6_V6ONLY: .+ \(E[A-Z]+\)$/);
    close(fd);
  });

  test("a socket of an unsupported family fails with EAFNOSUPPORT, not a generic error", () => {
    const error = thrown(() => openSocket(12345, LINUX.SOCK_STREAM)) as SyscallError;
    expect(error).toBeInstanceOf(SyscallError);
    expect([error.syscall, error.code]).toEqual(["socket", "EAFNOSUPPORT"]);
  });
});

describe("errno names", () => {
  test("errnoName maps numbers to names and unknown numbers to E<number>", () => {
    expect(errnoName(98)).toBe("EADDRINUSE");
    expect(errnoName(11)).toBe("EAGAIN");
    expect(errnoName(41)).toBe("E41");
    expect(errnoName(9999)).toBe("E9999");
  });

  test("errnoCode is undefined for errors that are not SyscallErrors", () => {
    expect(errnoCode(new Error("bind: Address already in use (EADDRINUSE)"))).toBeUndefined();
    expect(errnoCode("EADDRINUSE")).toBeUndefined();
  });
});

describe("the one errno table", () => {
  const classOf = (code: string) => errnoClass(new SyscallError("accept4", 0, code));

  test.each(["EAGAIN", "ECONNABORTED", "ECONNRESET", "EPROTO", "EPERM", "ENETDOWN", "EHOSTUNREACH"])(
    "%s is one client's trouble: transient",
    (code) => {
      expect(classOf(code)).toBe("transient");
    },
  );

  test.each(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"])("%s is running out of fds or memory: backoff", (code) => {
    expect(classOf(code)).toBe("backoff");
  });

  test.each(["EBADF", "EINVAL", "EFAULT", "ENOTSOCK", "EINTR", "E9999"])(
    "%s is a bug or a broken socket, as is any errno not listed: fatal",
    (code) => {
      expect(classOf(code)).toBe("fatal");
    },
  );

  test("an error that is not a SyscallError is fatal", () => {
    expect(errnoClass(new Error("accept4: Connection aborted (ECONNABORTED)"))).toBe("fatal");
  });
});

describe("integer checks before libc (bun:ffi would coerce silently)", () => {
  test("closeFd(undefined) throws a RangeError instead of closing stdin (fd 0)", () => {
    expect(() => closeFd(undefined as any)).toThrow(RangeError);
    expect(() => fstatSync(0)).not.toThrow();
  });

  test("closeFd(fd + 0.9) throws a RangeError and leaves fd open (the FFI would truncate it to fd)", () => {
    const fd = tcpSocket();
    expect(() => closeFd(fd + 0.9)).toThrow(RangeError);
    expect(isOpenStreamSocket(fd)).toBe(true);
  });

  test("closeFd(1.9) throws a RangeError", () => {
    expect(() => closeFd(1.9)).toThrow(RangeError);
    expect(() => fstatSync(1)).not.toThrow();
  });

  test("closeFd(2 ** 31) throws a RangeError instead of wrapping to a negative fd", () => {
    expect(() => closeFd(2 ** 31)).toThrow(RangeError);
  });

  test("closeFd(2 ** 32 + fd) throws a RangeError and leaves fd open (the FFI would wrap it to fd)", () => {
    const fd = tcpSocket();
    expect(() => closeFd(2 ** 32 + fd)).toThrow(RangeError);
    expect(isOpenStreamSocket(fd)).toBe(true);
  });

  test.each([-1, Number.NaN, "3" as any, null as any])("closeFd(%p) throws a RangeError", (fd) => {
    expect(() => closeFd(fd)).toThrow(RangeError);
  });

  test("the default range is a C int's: -2**31 and 2**31 - 1 pass, one beyond either is a RangeError", () => {
    expect(checkInt("n", -(2 ** 31))).toBe(-(2 ** 31));
    expect(checkInt("n", 2 ** 31 - 1)).toBe(2 ** 31 - 1);
    expect(() => checkInt("n", -(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => checkInt("n", 2 ** 31)).toThrow(RangeError);
  });

  test("fd 0 is an fd (stdin), checked like any other", () => {
    expect(checkFd(0)).toBe(0);
  });

  test("the RangeError names the argument and the value", () => {
    expect(() => closeFd(1.9)).toThrow(/fd must be an integer .*1\.9/);
  });
});

describe("strings never reach libc cut short at a NUL", () => {
  const EXEC = new URL("../../../native/exec.ts", import.meta.url).pathname;

  test("execProgram refuses a path with a NUL (RangeError) instead of executing the part before it", async () => {
    // In a child: had the path gone to libc as "/bin/echo", the child would be echo and print "replaced".
    const script = `const { execProgram } = await import(${JSON.stringify(EXEC)});
try { execProgram("/bin/echo\\0junk", ["echo", "replaced"], {}); } catch (error) { console.log(error.name, error.message); }`;
    const run = await runCommand([process.execPath, "-e", script]);
    expect(run.stdout).toBe('RangeError an exec argument cannot contain NUL: "/bin/echo\\u0000junk"\n');
    expect(run.code).toBe(0);
  });
});
