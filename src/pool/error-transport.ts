/**
 * Moves what a task threw from its worker to the pool with its class, message, stack, fields and
 * cause chain: structured clone alone keeps only the message and stack of a few built-ins (a
 * `RangeError` stays one, a `TaskFailedError` or a user's class becomes a plain `Error`).
 *
 * @module
 */
import { AssertionError } from 'node:assert';
import { ERROR_CLASSES } from '../errors.js';
import type { TaskError } from './messages.js';

/** Classes revived by name; any other error becomes an `Error` keeping the original `name`. */
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

/** Turns a thrown value into a message-safe description. */
export function serializeTaskError(thrown: unknown, depth = 0): TaskError {
  if (!(thrown instanceof Error)) {
    return { kind: 'value', text: String(thrown), value: isPlainValue(thrown) ? thrown : undefined };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(thrown)) {
    if (SKIPPED.has(key)) continue;
    const value: unknown = Reflect.get(thrown, key);
    if (isPlainValue(value) || (Array.isArray(value) && value.every(isPlainValue))) fields[key] = value;
  }
  const cause = thrown.cause === undefined || depth >= MAX_CAUSE_DEPTH ? undefined : serializeTaskError(thrown.cause, depth + 1);
  return { kind: 'error', name: thrown.name, message: thrown.message, stack: thrown.stack, fields, cause };
}

/** Rebuilds the thrown value: same class when built-in or a partitioned-arrays error, original stack. */
export function reviveTaskError(serialized: TaskError): unknown {
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
  if (serialized.cause !== undefined) hidden('cause', reviveTaskError(serialized.cause));
  return error;
}
