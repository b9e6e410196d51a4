// uWebSockets.js as binding.gyp builds it (target `uws`, sources prepared by scripts/uws-source.mjs): the
// bindings and types of the npm package `uwebsockets` on upstream uWebSockets, changed to serve HTTP/1.0
// to leave `100 Continue` to the gateway, to pause and resume reading a WebSocket, to stream a chunked
// response with backpressure (Server-Sent Events), and to hand over the header lines in one array.
// Import it as a namespace (`import * as uWS from './uws.js'`), like the upstream module.
import type * as upstream from 'uwebsockets'
import { loadNativeAddon } from '../native-addon.js'

export type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket, us_socket_context_t, WebSocket, WebSocketBehavior } from 'uwebsockets'

declare module 'uwebsockets' {
  interface HttpResponse {
    /**
     * Writes `HTTP/1.1 100 Continue` (added by scripts/uws-source.mjs, which also stops uWS from writing it
     * before every handler). Corked, and before the final answer.
     */
    writeContinue: () => HttpResponse
    /** Bytes written and not yet taken by the socket (added by scripts/uws-source.mjs, for res.write). */
    getBufferedAmount: () => number
  }
  interface HttpRequest {
    /**
     * Every header line, `[name, value, name, value, …]` in the order they came, names lower-case (added by
     * scripts/uws-source.mjs: one call instead of forEach's callback per line).
     */
    getHeaderList: () => string[]
  }
  interface WebSocket<UserData> {
    /**
     * Stops reading the socket (added by scripts/uws-source.mjs); what it has to send still drains. Messages
     * of a read already done are still delivered.
     */
    pause: () => void
    /** Reads the socket again. */
    resume: () => void
  }
}

const addon = loadNativeAddon('uws.node') as typeof upstream

export const App = addon.App
export const SSLApp = addon.SSLApp
export const us_listen_socket_close = addon.us_listen_socket_close
/** uSockets' listen flag that refuses a port another socket holds (without it: SO_REUSEPORT). */
export const LIBUS_LISTEN_EXCLUSIVE_PORT = (addon as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: number }).LIBUS_LISTEN_EXCLUSIVE_PORT
