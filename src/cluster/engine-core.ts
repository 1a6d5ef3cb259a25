/**
 * What every engine of a cluster does with a request, whatever carries it (a worker's port, an
 * MPI rank's socket): run a driver on its part with the engine's `ranks`, store, send back.
 *
 * @module
 */
import type { Backend } from '../backends/backend.js';
import { loadDriver } from '../backends/threads/driver-module.js';
import { serializeError } from '../workers/error-transport.js';
import { InvalidArgumentError, PartFailedError, WorkerError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { createEngineState } from './engine-state.js';
import type { EngineRequest, EngineResponse } from './protocol.js';

type Driver = (ranks: PData<number>, ...args: unknown[]) => unknown;

/** One engine: its part, its `ranks` (on the current communicator) and its stored values. */
export class EngineCore {
  readonly part: number;
  private readonly state = createEngineState();
  private ranks: PData<number> | undefined;

  constructor(part: number) {
    this.part = part;
  }

  /** Makes `backend` the communicator of later runs (a new `ranks` over it). */
  attach(backend: Backend): void {
    this.ranks = new PData(backend, [this.part]);
  }

  /** The response to a run, push, pull or scatter request (failures included, never throws). */
  async handle(request: EngineRequest): Promise<EngineResponse> {
    const { id } = request;
    try {
      return { type: 'ok', id, part: this.part, value: await this.answer(request) };
    } catch (error) {
      return this.failure(id, error);
    }
  }

  /** The response saying that request `id` failed with `error`. */
  failure(id: number, error: unknown): EngineResponse {
    return { type: 'failed', id, part: this.part, error: serializeError(this.original(error)) };
  }

  private async answer(request: EngineRequest): Promise<unknown> {
    switch (request.type) {
      case 'run': {
        const { main, problem } = await loadDriver(request.moduleUrl, request.exportName);
        if (problem !== undefined) throw problem;
        const value = await (main as Driver)(this.ranks as PData<number>, ...request.args);
        return this.sendable(value, 'main returned');
      }
      case 'push':
        Object.assign(this.state, request.values);
        return undefined;
      case 'pull':
        if (!Object.hasOwn(this.state, request.name)) {
          const names = Object.keys(this.state);
          const stored = names.length === 0 ? 'none' : names.join(', ');
          throw new InvalidArgumentError(`no value named '${request.name}' on the engine (stored: ${stored})`, { partId: this.part });
        }
        return this.sendable(this.state[request.name], `the value '${request.name}' is`);
      case 'scatter':
        this.state[request.name] = request.value;
        return undefined;
      default:
        throw new InvalidArgumentError(`the engine cannot handle a '${request.type}' request here`, { partId: this.part });
    }
  }

  private sendable(value: unknown, what: string): unknown {
    if (value instanceof PData) {
      throw new InvalidArgumentError(
        `${what} a PData, which cannot leave its engine: send plain data (e.g. getAny(x), or gather to part 0), or keep it in engineState()`,
        { partId: this.part },
      );
    }
    return value;
  }

  /** A PartFailedError of this part only wraps the driver's own error: report that one. */
  private original(error: unknown): unknown {
    if (error instanceof PartFailedError && !(error instanceof WorkerError) && error.partId === this.part) {
      return error.cause ?? error;
    }
    return error;
  }
}
