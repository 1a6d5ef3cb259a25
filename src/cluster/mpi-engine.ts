/**
 * Bootstrap of one MPI engine of a cluster, started as `mpirun -n np node mpi-engine.js <socket>
 * <collective timeout ms>`: initializes MPI once, connects back to the cluster's socket and
 * answers its requests one at a time on its rank's part until told to close (then finalizes MPI).
 * If the connection drops (the cluster's process died), it aborts the MPI job: no engine outlives
 * its cluster.
 *
 * @module
 */
import { connect } from 'node:net';
import { loadMpiBinding } from '../backends/mpi/load-binding.js';
import { MpiBackend } from '../backends/mpi/mpi-backend.js';
import { pinOpenBlasToOneThread } from '../dense/openblas-threads.js';
import { EngineCore } from './engine-core.js';
import { FrameReader, writeFrame } from './framing.js';
import type { EngineRequest, EngineResponse, HelloMessage } from './protocol.js';
import { InvalidArgumentError } from '../errors.js';

const [socketPath, timeoutArg] = process.argv.slice(2);
pinOpenBlasToOneThread();
const binding = loadMpiBinding();
const { rank, size } = binding.init('funneled');
const backend = new MpiBackend(binding, { collectiveTimeoutMs: Number(timeoutArg) });
const core = new EngineCore(rank);
core.attach(backend);

let closing = false;
const socket = connect(socketPath);

/** Resolves once the answer left (a typed array answered is read in place until then). */
function reply(response: EngineResponse): Promise<void> {
  try {
    return writeFrame(socket, response);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return writeFrame(socket, core.failure(response.id, new InvalidArgumentError(`the engine's answer cannot be sent to the cluster (${reason})`, { partId: rank })));
  }
}

async function answer(request: EngineRequest): Promise<void> {
  if (request.type !== 'close') {
    // The next request may change the stored value being sent: it waits until it left.
    await reply(await core.handle(request));
    return;
  }
  closing = true;
  try {
    backend.dispose();
    void reply({ type: 'ok', id: request.id, part: rank, value: undefined });
  } catch (error) {
    void reply(core.failure(request.id, error));
  }
  socket.end();
}

const queued: EngineRequest[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  for (let next = queued.shift(); next !== undefined; next = queued.shift()) await answer(next);
  draining = false;
}

const reader = new FrameReader((message) => {
  queued.push(message as EngineRequest);
  if (!draining) void drain();
});

socket.on('connect', () => {
  const hello: HelloMessage = { type: 'hello', part: rank, np: size, pid: process.pid };
  void writeFrame(socket, hello);
  void reply({ type: 'ok', id: 0, part: rank, value: 'ready' });
});
socket.on('data', (chunk: Buffer) => reader.push(chunk));
socket.on('error', () => undefined);
socket.on('close', () => {
  if (!closing) binding.abort(1);
});
