// What must be in the environment before the gateway's modules load: uWS reads UWS_HTTP_MAX_HEADERS_SIZE
// when it loads, and libuv sizes its thread pool on first use. Kept free of imports that load either. Also
// V8's --expose-gc, while the main thread is the only one (full-collection.ts).
import { allowFullCollection } from './full-collection.js'
import { UWS_HEADER_BUFFER_BYTES } from './http/header-limits.js'

export function presetRuntimeEnv (): void {
  process.env.UWS_HTTP_MAX_HEADERS_SIZE ??= String(UWS_HEADER_BUFFER_BYTES)
  // librdkafka's blocking calls (offset and metadata lookups, seeks) each hold a libuv thread while they wait.
  process.env.UV_THREADPOOL_SIZE ??= '16'
  allowFullCollection()
}
