/**
 * What crosses the runner's channel as a call's answer: a value, or an error as plain data. The
 * sandbox writes replies as JSON text (child.mjs); the core reads them here.
 */
/** An error as it crosses the sandbox boundary: plain data, never an object with behaviour. */
export interface MarshalledError {
  code: string;
  message: string;
  status: number;
  /** A route or view refusing its request (sdk `refuse()`), not a fault; checked by the host before it is believed. */
  refused?: true;
  /** The refusal's English message, when the plugin gave one. */ messageEn?: string;
  details?: unknown;
  /** A host limit (a quota, a GET's read-only rule) the plugin left uncaught: answered to the caller
   * as it is (code, status, details), no fault. Set by the host (invoke.ts), never read from the sandbox. */
  hostLimit?: { code: string; status: number; details: Record<string, unknown> };
}
export type Reply = { ok: true; value: unknown } | { ok: false; error: MarshalledError };

export function errorReply(code: string, message: string, status = 500): Reply {
  return { ok: false, error: { code, message, status } };
}

/** A host call's failure as the sandbox is answered: its code, message and status only. */
export function toMarshalled(error: unknown): MarshalledError {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    const e = error as { code: string; message?: unknown; status?: unknown };
    return { code: e.code, message: String(e.message ?? e.code), status: typeof e.status === 'number' ? e.status : 500 };
  }
  return { code: 'HOST_ERROR', message: error instanceof Error ? error.message : String(error), status: 500 };
}

/** A call's reply as the runner sent it; an unreadable one is the plugin's bad result. */
export function parseReply(text: unknown): Reply {
  try {
    const parsed = JSON.parse(String(text));
    if (parsed.ok) return { ok: true, value: parsed.v };
    const e = parsed.e ?? {};
    const error: MarshalledError = { code: String(e.code ?? 'PLUGIN_THREW'), message: String(e.message ?? ''), status: Number(e.status) || 500 };
    if (e.refused === true) {
      error.refused = true;
      if (typeof e.messageEn === 'string') error.messageEn = e.messageEn;
      if (e.details !== undefined) error.details = e.details;
    }
    return { ok: false, error };
  } catch {
    return errorReply('PLUGIN_BAD_RESULT', 'the sandbox returned an unreadable result');
  }
}
