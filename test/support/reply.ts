/** Shared by the in-process test env and the tests (and benches) that drive a real server: no vitest here. */
export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
}

/** An HTTP answer as tests read it: JSON parsed, anything else (HTML, an export) kept as text. */
export async function replyOf(response: Response): Promise<CallResult> {
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON; keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
