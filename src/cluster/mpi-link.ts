/**
 * The engines of a `backend: 'mpi'` cluster: the ranks of `mpirun --oversubscribe -n np node
 * mpi-engine.js`, started here and connected back over a Unix socket of this process.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mpiAddonPaths } from '../backends/mpi/load-binding.js';
import { BackendUnavailableError, CollectiveTimeoutError, InvalidArgumentError, MpiError } from '../errors.js';
import { BUILD_ADDONS_COMMAND } from '../native-addon.js';
import type { EngineLink, LinkEvents } from './engine-link.js';
import { FrameReader, writeFrame } from './framing.js';
import type { EngineRequest, EngineResponse, HelloMessage } from './protocol.js';

/** How long the engines get to finalize MPI and exit after `close`, in ms, before they are killed. */
const CLOSE_GRACE_MS = 5000;
/** How much of mpirun's stderr is kept to explain an engine's death, in characters. */
const STDERR_TAIL = 4000;

/** The compiled engine bootstrap (from the TypeScript sources, its twin in `dist/`). */
function engineScript(): string {
  const here = import.meta.url;
  const script = here.endsWith('.ts') ? new URL('../../dist/src/cluster/mpi-engine.js', here) : new URL('./mpi-engine.js', here);
  const path = fileURLToPath(script);
  if (!existsSync(path)) throw new InvalidArgumentError(`the compiled engine ${path} is missing: build first (npm run build)`);
  return path;
}

function checkMpiAvailable(): void {
  if (spawnSync('mpirun', ['--version']).error !== undefined) {
    throw new BackendUnavailableError('MPI engines cannot start', ['mpirun was not found on PATH'], [
      'install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev), then ' + BUILD_ADDONS_COMMAND,
    ]);
  }
  if (!mpiAddonPaths().some((path) => existsSync(path))) {
    throw new BackendUnavailableError('MPI engines cannot start', ['the MPI addon is not built'], [BUILD_ADDONS_COMMAND]);
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** See the module comment. */
export class MpiLink implements EngineLink {
  readonly np: number;
  private readonly server: Server;
  private readonly socketPath: string;
  private readonly child: ChildProcess;
  private readonly sockets: (Socket | undefined)[];
  private readonly pids: number[] = [];
  private readonly exited: Promise<void>;
  private stderr = '';
  private closing = false;

  constructor(np: number, timeoutMs: number, events: LinkEvents) {
    this.np = np;
    this.sockets = new Array<Socket | undefined>(np).fill(undefined);
    this.socketPath = join(tmpdir(), `pa-cluster-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);
    this.server = createServer((socket) => this.accept(socket, events));
    this.server.listen(this.socketPath);
    const rootEnv = process.getuid?.() === 0 ? { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : {};
    const args = ['--oversubscribe', '--quiet', '-n', String(np), process.execPath, engineScript(), this.socketPath, String(timeoutMs)];
    this.child = spawn('mpirun', args, { detached: true, stdio: ['ignore', 'inherit', 'pipe'], env: { ...rootEnv, ...process.env } });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      process.stderr.write(text);
      this.stderr = (this.stderr + text).slice(-STDERR_TAIL);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
    this.child.on('error', (error) => this.died(events, 0, error));
    this.child.on('exit', (code, signal) => {
      this.died(events, Math.max(0, this.sockets.findIndex((s) => s === undefined)), new Error(`mpirun exited (${code ?? signal}) before the cluster was closed${this.why()}`));
    });
  }

  private why(): string {
    const text = this.stderr.trim();
    return text === '' ? '' : `; its stderr ends with:\n${text}`;
  }

  private died(events: LinkEvents, part: number, error: Error): void {
    if (this.closing) return;
    events.died(part, error);
  }

  private accept(socket: Socket, events: LinkEvents): void {
    let part = -1;
    const reader = new FrameReader((message) => {
      if (part < 0) {
        const hello = message as HelloMessage;
        part = hello.part;
        this.sockets[part] = socket;
        this.pids.push(hello.pid);
        // Connections outlive their path: unlinked now, the socket file cannot be left in the
        // temporary directory by a driver that exits without close().
        if (this.sockets.every((s) => s !== undefined)) rmSync(this.socketPath, { force: true });
        return;
      }
      events.response(message as EngineResponse);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (part >= 0) this.died(events, part, new Error(`the engine of part ${part} ended (its connection closed)${this.why()}`));
    });
  }

  post(part: number, request: EngineRequest): void {
    const socket = this.sockets[part];
    if (socket === undefined) throw new Error(`the engine of part ${part} is not connected`);
    void writeFrame(socket, request);
  }

  /** Ranks left waiting for a failed one fail by themselves after the collective timeout. */
  watchFailure(): () => void {
    return () => undefined;
  }

  /**
   * A wait that passed the collective timeout leaves MPI operations pending that MPI cannot
   * cancel (every later communication fails with MpiError): only a new job helps.
   */
  recovery(_id: number, failures: readonly unknown[]): 'restart' | undefined {
    const broken = failures.some((error) => error instanceof CollectiveTimeoutError || error instanceof MpiError);
    return broken ? 'restart' : undefined;
  }

  /** Asks every engine to finalize MPI and exit; kills the job (and any rank left) after a grace period. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    for (const socket of this.sockets) {
      try {
        if (socket !== undefined && !socket.destroyed) void writeFrame(socket, { type: 'close', id: -1 });
      } catch {
        // the engine is gone already
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), CLOSE_GRACE_MS)));
    const late = await Promise.race([this.exited.then(() => false), graceOver]);
    clearTimeout(timer);
    if (late && this.child.pid !== undefined) {
      kill(-this.child.pid, 'SIGKILL');
      for (const pid of this.pids) kill(pid, 'SIGKILL');
      await this.exited;
    }
    for (const socket of this.sockets) socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
  }
}

/** Starts the MPI engines (mpirun) after checking that they can start. */
export async function startMpiLink(np: number, timeoutMs: number, events: LinkEvents): Promise<MpiLink> {
  checkMpiAvailable();
  return new MpiLink(np, timeoutMs, events);
}
