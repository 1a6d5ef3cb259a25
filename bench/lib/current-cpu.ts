/**
 * Which processor the calling thread runs on, read from Linux's `/proc/thread-self/stat` without
 * allocating (one file descriptor per thread, one preallocated buffer), so that a timed loop can
 * sample it every iteration without making the JavaScript heap collect.
 *
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes read of the stat line: its 39 fields take about 300 bytes; the command name at most 64. */
const STAT_BYTES = 1024;
/** `processor` is the stat line's field 39, the 37th after the `)` that closes the command name. */
const FIELDS_AFTER_NAME = 37;
const SPACE = 0x20;
const CLOSE_PAREN = 0x29;
const ZERO = 0x30;

/**
 * The calling thread's processor, sampled on demand. Open it on the thread whose processor is
 * wanted (a worker's own thread, an MPI rank's main thread): `/proc/thread-self` names the thread
 * that opens it.
 *
 * @example
 * ```ts
 * const probe = CpuProbe.open(); // null off Linux
 * const cpu = probe?.read() ?? -1; // e.g. 1
 * probe?.close();
 * ```
 */
export class CpuProbe {
  private readonly fd: number;
  private readonly line = new Uint8Array(STAT_BYTES);

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** The probe of the calling thread, or null where `/proc/thread-self/stat` cannot be opened. */
  static open(): CpuProbe | null {
    try {
      return new CpuProbe(openSync('/proc/thread-self/stat', 'r'));
    } catch {
      return null;
    }
  }

  /** The processor the thread ran on when the kernel wrote the line, or -1 if it cannot be parsed. */
  read(): number {
    const { line } = this;
    const length = readSync(this.fd, line, 0, STAT_BYTES, 0);
    let i = length - 1;
    while (i >= 0 && line[i] !== CLOSE_PAREN) i--;
    if (i < 0) return -1;
    let fields = 0;
    for (i++; i < length && fields < FIELDS_AFTER_NAME; i++) if (line[i] === SPACE) fields++;
    if (fields < FIELDS_AFTER_NAME) return -1;
    let cpu = 0;
    let digits = 0;
    for (; i < length && line[i] >= ZERO && line[i] <= ZERO + 9; i++, digits++) cpu = 10 * cpu + (line[i] - ZERO);
    return digits > 0 ? cpu : -1;
  }

  /** Closes the file; the probe must not be read again. */
  close(): void {
    closeSync(this.fd);
  }
}
