/**
 * The residual monitor of the Krylov solvers: PETSc's `-ksp_monitor`, switched on by the
 * `monitor` option of {@link cg} / {@link CgSolver} or, without touching the code, by the
 * environment variable `PA_MONITOR`.
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { formatScientific } from '../format/scientific.js';

/**
 * The `monitor` option of {@link CgSolverOptions}: print ‖r_k‖₂ every `every` iterations
 * (iteration 0, the initial residual, included), one line per iteration for the whole run, written
 * only where part 0 lives (one process, one worker thread or MPI rank 0), never once per part.
 * The printed values are those of {@link CgResult.residuals}; the solver's results keep their bits.
 * @group Solvers
 */
export interface CgMonitorOptions {
  /** Print every `every`-th iteration: an integer ≥ 1. Default 1. */
  every?: number;
  /**
   * Where a line goes (without its newline). Default: standard output (`console.log`). Called
   * only where part 0 lives.
   */
  write?: (line: string) => void;
}

/** The environment variable that switches the monitor on for every solve that has no `monitor` option. */
export const MONITOR_ENVIRONMENT_VARIABLE = 'PA_MONITOR';

/** A checked monitor: how often and where, or null for none. */
export interface CheckedMonitor {
  readonly every: number;
  readonly write: (line: string) => void;
}

/**
 * One monitor line, PETSc's `-ksp_monitor` layout with the solver's name: the iteration right-aligned
 * in 4 columns, then ‖r‖₂ as `%.12e` (`'  25 CG residual norm 1.234567890123e-03'`).
 */
export function monitorLine(solver: string, iteration: number, residual: number): string {
  return `${String(iteration).padStart(4)} ${solver} residual norm ${formatScientific(residual, 12)}`;
}

function checkEvery(every: unknown, what: string): number {
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1) {
    throw new InvalidArgumentError(`${what} must be an integer >= 1, got ${describeValue(every)}`);
  }
  return every;
}

/** `PA_MONITOR` read: unset, empty or `0` is off; a positive integer k prints every k-th iteration. */
function monitorFromEnvironment(value: string | undefined): number | false {
  if (value === undefined || value === '' || value === '0') return false;
  if (!/^[1-9][0-9]*$/.test(value)) {
    throw new InvalidArgumentError(
      `${MONITOR_ENVIRONMENT_VARIABLE} must be 0 (off) or a positive integer k (print every k-th iteration), got '${value}'`,
    );
  }
  return Number(value);
}

/**
 * Checks a `monitor` option and falls back to `PA_MONITOR` when it is absent. `monitor: false`
 * turns the monitor off whatever the environment says.
 * @param printsHere whether part 0 lives in this process or thread (elsewhere the result is null).
 * @throws InvalidArgumentError for a value that is not `true`, `false`, an integer ≥ 1 or
 *   `{ every?, write? }`, or a `PA_MONITOR` that is not 0 or a positive integer.
 */
export function checkMonitor(
  option: unknown,
  environment: string | undefined,
  printsHere: boolean,
): CheckedMonitor | null {
  let every: number;
  let write: (line: string) => void = (line) => console.log(line);
  if (option === undefined) {
    const fromEnvironment = monitorFromEnvironment(environment);
    if (fromEnvironment === false) return null;
    every = fromEnvironment;
  } else if (option === false) return null;
  else if (option === true) every = 1;
  else if (typeof option === 'number') every = checkEvery(option, 'cg: monitor');
  else if (typeof option === 'object' && option !== null && !Array.isArray(option)) {
    const { every: givenEvery, write: givenWrite, ...rest } = option as CgMonitorOptions;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`cg: unknown monitor option '${unknown[0]}' (accepted: every, write)`);
    }
    every = givenEvery === undefined ? 1 : checkEvery(givenEvery, 'cg: monitor.every');
    if (givenWrite !== undefined) {
      if (typeof givenWrite !== 'function') {
        throw new InvalidArgumentError(`cg: monitor.write must be a function, got ${describeValue(givenWrite)}`);
      }
      write = givenWrite;
    }
  } else {
    throw new InvalidArgumentError(
      `cg: monitor must be true, false, an integer >= 1 or { every?, write? }, got ${describeValue(option)}`,
    );
  }
  return printsHere ? { every, write } : null;
}
