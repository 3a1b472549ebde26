/**
 * Bytes from the wire -> a validated message, or a reason for refusing it. Nothing
 * here throws: every refusal is a value the driver logs and counts per device.
 */
import { Compile } from 'typebox/compile';
import type { TSchema, Static } from 'typebox';

export type RejectReason =
  | 'oversized'
  | 'not-json'
  | 'not-object'
  | 'unsupported-version'
  | 'schema'
  | 'unknown-topic'
  | 'unknown-device'
  | 'unknown-reader'
  | 'unknown-door'
  | 'duplicate'
  | 'stale'
  | 'wrong-device';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string };

export interface PayloadCodec<S extends TSchema> {
  decode(payload: Buffer): Decoded<Static<S>>;
}

/**
 * A compiled validator for one schema. `version` set: an object whose `v` differs is
 * refused as unsupported-version before the schema runs, so logs say what is wrong.
 */
export function payloadCodec<S extends TSchema>(schema: S, maxBytes: number, version?: number): PayloadCodec<S> {
  const validator = Compile(schema);
  return {
    decode(payload) {
      const parsed = parseJsonObject(payload, maxBytes);
      if (!parsed.ok) return parsed;
      const obj = parsed.value;
      if (version !== undefined && obj.v !== version) {
        return { ok: false, reason: 'unsupported-version', detail: `v=${JSON.stringify(obj.v)?.slice(0, 20)}` };
      }
      if (!validator.Check(obj)) return { ok: false, reason: 'schema', detail: firstError(validator.Errors(obj)) };
      return { ok: true, value: obj as Static<S> };
    },
  };
}

export function parseJsonObject(payload: Buffer, maxBytes: number): Decoded<Record<string, unknown>> {
  if (payload.length > maxBytes) return { ok: false, reason: 'oversized', detail: `${payload.length} > ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'not-json', detail: (e as Error).message.slice(0, 120) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not-object', detail: `got ${Array.isArray(value) ? 'array' : typeof value}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

interface SchemaError {
  instancePath: string;
  message: string;
  keyword: string;
  params?: unknown;
}

function firstError(errors: readonly SchemaError[]): string {
  const informative = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean') ?? errors[0];
  if (!informative) return 'does not match the schema';
  if (informative.keyword === 'additionalProperties') {
    const extra = (informative.params as { additionalProperties?: string[] } | undefined)?.additionalProperties ?? [];
    return `${informative.instancePath || '/'}: unknown field(s) ${extra.slice(0, 3).join(', ')}`.slice(0, 200);
  }
  return `${informative.instancePath || '/'}: ${informative.message}`.slice(0, 200);
}
