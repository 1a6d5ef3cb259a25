/**
 * Moves an error from a worker thread to the thread that started it (a part's error to the Threads
 * supervisor or a cluster, a task's error to a worker pool) with its class, message, stack, fields
 * and cause chain: structured clone alone keeps only the message and stack of a few built-ins (a
 * `RangeError` stays one, a `TaskFailedError` or a user's class becomes a plain `Error`).
 *
 * @module
 */
import { AssertionError } from 'node:assert';
import { ERROR_CLASSES } from '../errors.js';

/** An error (or any thrown value) in a form that survives `postMessage` with its class and fields. */
export type SerializedError =
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      /** Own data fields worth keeping (`code`, `partId`, `collective`, `missingParts`, ...). */
      readonly fields: Readonly<Record<string, unknown>>;
      readonly cause: SerializedError | undefined;
    }
  | { readonly kind: 'value'; readonly text: string; readonly value: unknown };

/**
 * Classes revived by name: the built-in errors and every partitioned-arrays error (the registry of
 * errors.ts, so a new error class crosses threads without a change here); anything else becomes an
 * `Error` with the original name.
 */
const CLASSES: Readonly<Record<string, { prototype: Error }>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AssertionError,
  ...ERROR_CLASSES,
};

const SKIPPED = new Set(['name', 'message', 'stack', 'cause']);
const MAX_CAUSE_DEPTH = 8;

function isPlainValue(value: unknown): boolean {
  const t = typeof value;
  return value === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' || t === 'bigint';
}

/** Turns what a part threw into a message-safe description. */
export function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (!(thrown instanceof Error)) {
    return { kind: 'value', text: String(thrown), value: isPlainValue(thrown) ? thrown : undefined };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(thrown)) {
    if (SKIPPED.has(key)) continue;
    const value: unknown = Reflect.get(thrown, key);
    if (isPlainValue(value) || (Array.isArray(value) && value.every(isPlainValue))) fields[key] = value;
  }
  const cause = thrown.cause === undefined || depth >= MAX_CAUSE_DEPTH ? undefined : serializeError(thrown.cause, depth + 1);
  return { kind: 'error', name: thrown.name, message: thrown.message, stack: thrown.stack, fields, cause };
}

/**
 * Rebuilds the error described by `serialized`: an instance of the same class when it is a
 * built-in or a partitioned-arrays error, with its message, original stack, fields and cause.
 */
export function reviveError(serialized: SerializedError): unknown {
  if (serialized.kind === 'value') return serialized.value ?? serialized.text;
  const proto = (Object.hasOwn(CLASSES, serialized.name) ? CLASSES[serialized.name] : Error).prototype;
  const error = Object.create(proto) as Error;
  const hidden = (key: string, value: unknown): void => {
    Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
  };
  hidden('message', serialized.message);
  hidden('stack', serialized.stack);
  hidden('name', serialized.name);
  for (const [key, value] of Object.entries(serialized.fields)) {
    Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: true });
  }
  if (serialized.cause !== undefined) hidden('cause', reviveError(serialized.cause));
  return error;
}
