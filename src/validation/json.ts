import { badInput } from '../errors';

export interface JsonLimits {
  maxDepth: number;
  maxKeys: number;
  maxStringLength: number;
  maxArrayLength: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = {
  maxDepth: 8,
  maxKeys: 200,
  maxStringLength: 10_000,
  maxArrayLength: 1_000,
};

/**
 * Checks a client-supplied JSON object (traits, properties, attributes) before it is
 * stored. Keys that MongoDB would read as operators or paths (`$gt`, `a.b`) are refused
 * rather than escaped: a trait named `$where` is never what a client meant, and refusing
 * it closes operator injection through JSON fields.
 */
export function assertJsonObject(
  value: unknown,
  field: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Record<string, unknown> {
  if (!isPlainObject(value))
    throw badInput(field, `expected a JSON object, got ${describe(value)}`);
  check(value, field, 1, limits);
  return value;
}

function check(value: unknown, path: string, depth: number, limits: JsonLimits): void {
  if (depth > limits.maxDepth) throw badInput(path, `nested deeper than ${limits.maxDepth} levels`);
  if (typeof value === 'string') {
    if (value.length > limits.maxStringLength) {
      throw badInput(
        path,
        `string of ${value.length} characters exceeds the limit of ${limits.maxStringLength}`,
      );
    }
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badInput(path, 'numbers must be finite');
    return;
  }
  if (value === null || typeof value === 'boolean') return;
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) {
      throw badInput(
        path,
        `array of ${value.length} items exceeds the limit of ${limits.maxArrayLength}`,
      );
    }
    value.forEach((item, i) => check(item, `${path}[${i}]`, depth + 1, limits));
    return;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length > limits.maxKeys)
      throw badInput(
        path,
        `object with ${keys.length} keys exceeds the limit of ${limits.maxKeys}`,
      );
    for (const key of keys) {
      if (key === '') throw badInput(path, 'keys must not be empty');
      if (key.startsWith('$'))
        throw badInput(`${path}.${key}`, `keys must not start with "$" (got "${key}")`);
      if (key.includes('.'))
        throw badInput(`${path}.${key}`, `keys must not contain "." (got "${key}")`);
      if (key.includes('\u0000')) throw badInput(path, 'keys must not contain NUL characters');
      if (key === '__proto__')
        throw badInput(`${path}.${key}`, 'the key "__proto__" is not allowed');
      check(value[key], `${path}.${key}`, depth + 1, limits);
    }
    return;
  }
  throw badInput(path, `unsupported value ${describe(value)}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Canonical JSON (sorted keys) so equal payloads hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
