// CORS (SPEC §10.3): which `Origin` a browser page may call the gateway from, and the headers that say so.
// Configured origins are kept in the form a browser sends (scheme and host in lower case, no default port);
// a request's `Origin` must equal one of them byte for byte.

/** KASTLEX_CORS_ORIGINS: any origin (answered `*`), or these exact origins. */
export type CorsOrigins = '*' | ReadonlySet<string>

export type Headers = ReadonlyArray<readonly [string, string]>

const EXPOSED = 'x-request-id, x-kafka-partition, x-message-offset, x-high-wm-offset, x-message-headers, ' +
  'x-message-headers-encoding, x-message-ts, x-message-ts-type, x-message-key, retry-after, idempotent-replayed'
const PREFLIGHT: Headers = [
  ['access-control-allow-methods', 'GET, HEAD, POST, DELETE'],
  ['access-control-allow-headers', 'authorization, content-type, accept, x-message-headers, idempotency-key, x-request-id, last-event-id'],
  ['access-control-max-age', '600']
]
const NONE: Headers = []

/** `scheme://host[:port]`: a DNS name, an IPv4 address or a bracketed IPv6 address, nothing after. */
const ORIGIN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$/

/**
 * One configured origin in the form browsers send it, or undefined when it is not an origin (a path, a
 * trailing slash, user info, `null`…). http and https go through the URL parser, which lower-cases and
 * drops a default port (`https://Example.COM:443` → `https://example.com`), as browsers do.
 */
export function canonicalOrigin (entry: string): string | undefined {
  const match = ORIGIN.exec(entry)
  if (match === null) return undefined
  const [, scheme, host, port] = match as unknown as [string, string, string, string | undefined]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined
  const lower = scheme.toLowerCase()
  if (lower === 'http' || lower === 'https') {
    try {
      return new URL(entry).origin
    } catch {
      return undefined
    }
  }
  return `${lower}://${host.toLowerCase()}${port === undefined ? '' : `:${port}`}`
}

/**
 * KASTLEX_CORS_ORIGINS: `*`, or comma-separated origins (trimmed; empty entries ignored), or the first
 * entry that is not an origin (config.ts reports it naming the variable).
 */
export function parseCorsOrigins (raw: string): { origins: CorsOrigins } | { invalid: string } {
  if (raw.trim() === '*') return { origins: '*' }
  const origins = new Set<string>()
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const origin = canonicalOrigin(entry)
    if (origin === undefined) return { invalid: entry }
    origins.add(origin)
  }
  if (origins.size === 0) return { invalid: raw }
  return { origins }
}

export class CorsPolicy {
  /** Answered on every request whose origin is allowed: only `*` is the same for every origin. */
  private readonly anyOrigin: Headers | undefined

  constructor (private readonly origins: CorsOrigins | undefined) {
    this.anyOrigin = origins === '*' ? allowing('*') : undefined
  }

  /**
   * The headers every answer to a request with these `Origin` lines carries: none unless exactly one
   * line names an allowed origin (several lines are no origin a browser sends).
   */
  headersFor (originLines: readonly string[]): Headers {
    if (this.origins === undefined || originLines.length !== 1) return NONE
    const origin = originLines[0] as string
    if (origin === '') return NONE
    if (this.anyOrigin !== undefined) return this.anyOrigin
    return (this.origins as ReadonlySet<string>).has(origin) ? allowing(origin) : NONE
  }

  /** The answer to a preflight (SPEC §2.4 step 2), undefined when the request is none or its origin is not allowed. */
  preflight (method: string, originLines: readonly string[], requestMethodLines: readonly string[]): Headers | undefined {
    if (method !== 'OPTIONS' || requestMethodLines.length === 0) return undefined
    return this.headersFor(originLines).length === 0 ? undefined : PREFLIGHT
  }
}

function allowing (origin: string): Headers {
  return [['access-control-allow-origin', origin], ['vary', 'Origin'], ['access-control-expose-headers', EXPOSED]]
}
