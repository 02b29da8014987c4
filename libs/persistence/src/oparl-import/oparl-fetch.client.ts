/** An OParl object as a server sends it; read field by field, never trusted. */
export type OparlObject = Record<string, unknown>;

export interface OparlFetchLimits {
  /** A response larger than this is refused. */
  maxBytes: number;
  /** A request (including reading its body) that takes longer is aborted. */
  timeoutMs: number;
  /** A list with more objects than this is refused. */
  maxObjectsPerList: number;
}

export const DEFAULT_OPARL_FETCH_LIMITS: OparlFetchLimits = {
  maxBytes: 10 * 1024 * 1024,
  timeoutMs: 30_000,
  maxObjectsPerList: 10_000,
};

/** Reading from the OParl server failed; the message names the URL. */
export class OparlImportError extends Error {
  constructor(
    message: string,
    readonly url?: string,
  ) {
    super(message);
    this.name = 'OparlImportError';
  }
}

/** Reads OParl objects and paginated lists over HTTP(S), within size, time and count limits. */
export class OparlFetchClient {
  constructor(
    private readonly fetchFn: typeof fetch,
    private readonly limits: OparlFetchLimits,
  ) {}

  /** One JSON object from `url`. */
  async object(url: string): Promise<OparlObject> {
    const target = httpUrl(url);
    let response: Response;
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    try {
      response = await this.fetchFn(target, { headers: { accept: 'application/json' }, redirect: 'follow', signal });
    } catch (error) {
      throw new OparlImportError(`OParl request to ${target} failed: ${describe(error, this.limits.timeoutMs)}`, target);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new OparlImportError(`OParl request to ${target} failed: HTTP ${response.status} ${response.statusText}`.trimEnd(), target);
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > this.limits.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new OparlImportError(`OParl response from ${target} is too large: ${declared} bytes (at most ${this.limits.maxBytes})`, target);
    }
    let text: string;
    try {
      text = await this.readLimited(response, target);
    } catch (error) {
      if (error instanceof OparlImportError) throw error;
      throw new OparlImportError(`OParl response from ${target} could not be read: ${describe(error, this.limits.timeoutMs)}`, target);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new OparlImportError(`OParl response from ${target} is not JSON`, target);
    }
    if (!isObject(parsed)) throw new OparlImportError(`OParl response from ${target} is not a JSON object`, target);
    return parsed;
  }

  /** Every object of an OParl list, following `links.next` over all pages. */
  async list(url: string): Promise<OparlObject[]> {
    const objects: OparlObject[] = [];
    const visited = new Set<string>();
    let next: string | undefined = httpUrl(url);
    while (next) {
      if (visited.has(next)) throw new OparlImportError(`OParl list ${url} links back to page ${next} (pagination loop)`, url);
      if (visited.size >= this.limits.maxObjectsPerList) throw new OparlImportError(`OParl list ${url} has more than ${this.limits.maxObjectsPerList} pages`, url);
      visited.add(next);
      const page = await this.object(next);
      if (!Array.isArray(page.data)) throw new OparlImportError(`OParl list page ${next} has no "data" array`, next);
      for (const item of page.data) {
        if (isObject(item)) objects.push(item);
      }
      if (objects.length > this.limits.maxObjectsPerList) {
        throw new OparlImportError(`OParl list ${url} has more than ${this.limits.maxObjectsPerList} objects`, url);
      }
      const links = isObject(page.links) ? page.links : {};
      next = typeof links.next === 'string' && links.next ? httpUrl(new URL(links.next, next).toString()) : undefined;
    }
    return objects;
  }

  private async readLimited(response: Response, url: string): Promise<string> {
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.limits.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new OparlImportError(`OParl response from ${url} is too large: more than ${this.limits.maxBytes} bytes`, url);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

export function isObject(value: unknown): value is OparlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function httpUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OparlImportError(`"${url}" is not a URL`, url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OparlImportError(`"${url}" is not an http(s) URL`, url);
  return parsed.toString();
}

/** By shape, not `instanceof`: fetch's errors (a DOMException on timeout) may come from another realm. */
function describe(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const text = typeof message === 'string' ? message : String(error);
  const causeText = typeof cause === 'object' && cause !== null && typeof (cause as { message?: unknown }).message === 'string' ? (cause as { message: string }).message : undefined;
  return causeText && causeText !== text ? `${text} (${causeText})` : text;
}
