// fd_set over a 128-byte buffer: the bit for fd is byte fd >> 3, mask 1 << (fd & 7) (glibc, little-endian words).
import { LINUX } from "./platform.ts";
import { checkSelectableFd } from "./checked-int.ts";

export const FD_SETSIZE = LINUX.FD_SETSIZE;

export class FdSet {
  /** The struct itself; its own ArrayBuffer so the address libc sees never moves. */
  readonly bytes = new Uint8Array(new ArrayBuffer(LINUX.sizeof_fd_set));

  add(fd: number): void {
    checkSelectableFd(fd);
    // Stryker disable next-line ShiftSign: checkSelectableFd leaves 0 <= fd < 1024, where `>>>` and `>>` agree.
    this.bytes[fd >> 3]! |= 1 << (fd & 7);
  }

  delete(fd: number): void {
    checkSelectableFd(fd);
    // Stryker disable next-line ShiftSign: checkSelectableFd leaves 0 <= fd < 1024, where `>>>` and `>>` agree.
    this.bytes[fd >> 3]! &= ~(1 << (fd & 7));
  }

  has(fd: number): boolean {
    checkSelectableFd(fd);
    // Stryker disable next-line ShiftSign: checkSelectableFd leaves 0 <= fd < 1024, where `>>>` and `>>` agree.
    return (this.bytes[fd >> 3]! & (1 << (fd & 7))) !== 0;
  }

  clear(): void {
    this.bytes.fill(0);
  }

  /** Make this set equal to `other` (select() rewrites its input, so the loop copies a master set). */
  copyFrom(other: FdSet): void {
    this.bytes.set(other.bytes);
  }
}
