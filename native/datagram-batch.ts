// recvmmsg/sendmmsg over structs and buffers this object owns: a whole batch of datagrams in, their replies out, two syscalls.
import { ptr } from "bun:ffi";
import { libc } from "./libc.ts";
import { interrupted, lastErrno, SyscallError } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { SockaddrStorage } from "./sockaddr.ts";
import { checkFd, checkInt } from "./checked-int.ts";

const MMSGHDR = LINUX.sizeof_mmsghdr;
// The same fields as 32-bit word indexes inside one mmsghdr (both targets are little-endian LP64).
const NAME = (LINUX.offsetof_mmsghdr_msg_hdr + LINUX.offsetof_msghdr_msg_name) / 4;
const NAMELEN = (LINUX.offsetof_mmsghdr_msg_hdr + LINUX.offsetof_msghdr_msg_namelen) / 4;
const IOV = (LINUX.offsetof_mmsghdr_msg_hdr + LINUX.offsetof_msghdr_msg_iov) / 4;
const IOVLEN = (LINUX.offsetof_mmsghdr_msg_hdr + LINUX.offsetof_msghdr_msg_iovlen) / 4;
const WORDS = MMSGHDR / 4;

/** A pointer field is a 64-bit address; split it into the two little-endian words the struct holds. */
function writePointer(words: Uint32Array, index: number, address: number): void {
  words[index] = address % 0x1_0000_0000;
  words[index + 1] = Math.floor(address / 0x1_0000_0000);
}

/** A fresh ArrayBuffer per struct: a small typed array's storage can move, and the kernel keeps the address. */
function structs(bytes: number): Uint32Array {
  return new Uint32Array(new ArrayBuffer(bytes));
}

/** One iovec over all of `buffer`. The caller must hold `buffer` as long as the iovec: the address alone keeps nothing alive. */
function iovecOver(buffer: Uint8Array): Uint32Array {
  const iovec = structs(LINUX.sizeof_iovec);
  writePointer(iovec, LINUX.offsetof_iovec_iov_base / 4, ptr(buffer));
  iovec[LINUX.offsetof_iovec_iov_len / 4] = buffer.byteLength;
  return iovec;
}

/**
 * Up to `capacity` datagrams received at once, and one reply for any of them sent back at once.
 *
 * The garbage collector does not see an address written into a struct: a buffer reachable only that
 * way is freed while the kernel still reads and writes it (measured: after about a second of load,
 * 98% of replies carried garbage). So every buffer a struct here points into is also a field of this
 * object, and lives exactly as long as the structs do. test/integration/service/udp-gc.test.ts forces collections under load.
 */
export class DatagramBatch {
  /** Slot i's source address, written by receive(); admission reads it and the reply goes back to it. */
  readonly peers: readonly SockaddrStorage[];
  /** The reply every queued datagram gets (an RFC 868 stamp is the same for the whole batch). */
  readonly reply = new Uint8Array(new ArrayBuffer(4));
  /** recvmmsg's vector: msg_name -> peers[i].bytes, msg_iov -> #scratchIovec, so any datagram is taken whole and truncated to 1 byte. */
  readonly #received: Uint32Array;
  /** sendmmsg's vector: msg_name -> an admitted slot's peer, msg_iov -> #replyIovec. */
  readonly #replies: Uint32Array;
  /** One iovec: iov_base -> reply, iov_len 4. Never read after construction: this field is what keeps it alive while #replies holds its address. */
  readonly #replyIovec: Uint32Array;
  /**
   * One iovec over #scratch, 1 byte, shared by every received slot: a request's content is never read.
   * Not none at all: qemu-user answers a msghdr with no iovec without the kernel and leaves msg_name
   * unfilled (seen: family 0 from every datagram under emulation). Held here for the same reason as #replyIovec.
   */
  readonly #scratchIovec: Uint32Array;
  readonly #scratch = new Uint8Array(new ArrayBuffer(1));
  #count = 0;
  #queued = 0;
  #sent = 0;

  constructor(readonly capacity: number) {
    checkInt("batch capacity", capacity, 1, 1024); // UIO_MAXIOV: the kernel caps vlen there
    this.peers = Array.from({ length: capacity }, () => new SockaddrStorage());
    this.#received = structs(capacity * MMSGHDR);
    this.#replies = structs(capacity * MMSGHDR);
    this.#replyIovec = iovecOver(this.reply);
    this.#scratchIovec = iovecOver(this.#scratch);
    const iovec = ptr(this.#replyIovec);
    const scratchIovec = ptr(this.#scratchIovec);
    for (let i = 0; i < capacity; i++) {
      writePointer(this.#received, i * WORDS + NAME, ptr(this.peers[i]!.bytes));
      this.#received[i * WORDS + NAMELEN] = LINUX.sizeof_sockaddr_storage;
      writePointer(this.#received, i * WORDS + IOV, scratchIovec);
      this.#received[i * WORDS + IOVLEN] = 1;
      writePointer(this.#replies, i * WORDS + IOV, iovec);
      this.#replies[i * WORDS + IOVLEN] = 1;
    }
  }

  /**
   * recvmmsg: how many datagrams arrived (0-byte ones included; peers[0..n) hold their sources), or
   * null when none is queued. Starts a new batch: replies still queued from the last one are forgotten.
   */
  receive(fd: number): number | null {
    for (let i = 0; i < this.#count; i++) this.#received[i * WORDS + NAMELEN] = LINUX.sizeof_sockaddr_storage;
    this.#count = this.#queued = this.#sent = 0;
    checkFd(fd);
    let got: number;
    do got = libc.recvmmsg(fd, this.#received, this.capacity, LINUX.MSG_DONTWAIT, null);
    while (interrupted(got));
    if (got < 0) {
      const errno = lastErrno(); // first thing after the call
      if (errno === LINUX.EAGAIN) return null;
      throw new SyscallError("recvmmsg", errno);
    }
    for (let i = 0; i < got; i++) this.peers[i]!.length[0] = this.#received[i * WORDS + NAMELEN]!;
    this.#count = got;
    return got;
  }

  /** Queue a reply (the contents of `reply` when sent) to the source of received datagram `slot`. */
  queueReply(slot: number): void {
    if (slot < 0 || slot >= this.#count)
      throw new RangeError(`slot ${slot} is not a received datagram (0..${this.#count - 1})`);
    const from = slot * WORDS;
    const to = this.#queued++ * WORDS;
    this.#replies[to + NAME] = this.#received[from + NAME]!;
    this.#replies[to + NAME + 1] = this.#received[from + NAME + 1]!;
    this.#replies[to + NAMELEN] = this.#received[from + NAMELEN]!;
  }

  /** Replies queued and neither sent nor given up yet. */
  get pending(): number {
    return this.#queued - this.#sent;
  }

  /**
   * sendmmsg of the pending replies: how many went out (maybe fewer than pending; call again for the
   * rest), or null when the send buffer is full. Throws the SyscallError of the first pending reply,
   * which then stays first: skipReply() passes over it.
   */
  sendPending(fd: number): number | null {
    checkFd(fd);
    let sent: number;
    // From the first pending entry: an address inside #replies, which this object holds, so no view is made.
    do
      sent = libc.sendmmsg(
        fd,
        ptr(this.#replies, this.#sent * MMSGHDR),
        this.#queued - this.#sent,
        LINUX.MSG_DONTWAIT | LINUX.MSG_NOSIGNAL,
      );
    while (interrupted(sent));
    if (sent < 0) {
      const errno = lastErrno();
      if (errno === LINUX.EAGAIN) return null;
      throw new SyscallError("sendmmsg", errno);
    }
    this.#sent += sent;
    return sent;
  }

  /** Give up on the first pending reply (its send failed); returns how many are still pending. */
  skipReply(): number {
    if (this.pending > 0) this.#sent++;
    return this.pending;
  }

  /** Give up on every pending reply (the send buffer is full and the loop must not block); returns how many. */
  dropPending(): number {
    const dropped = this.pending;
    this.#sent = this.#queued;
    return dropped;
  }
}
