// Entry point. uWS reads UWS_HTTP_MAX_HEADERS_SIZE when it loads, and libuv sizes its thread pool on
// first use, so both are set before anything else is imported.
import { UWS_HEADER_BUFFER_BYTES } from './http/header-limits.js'
process.env.UWS_HTTP_MAX_HEADERS_SIZE ??= String(UWS_HEADER_BUFFER_BYTES)
// librdkafka's blocking calls (offset and metadata lookups, seeks) each hold a libuv thread while they wait.
process.env.UV_THREADPOOL_SIZE ??= '16'

const { start } = await import('./gateway.js')
await start(process.env)
