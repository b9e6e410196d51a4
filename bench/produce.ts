import { runLoad } from './load.js'
import type { Measurement } from './stats.js'

export const PRODUCE_CONNECTIONS = 64

/**
 * POSTs the same binary body to the topic over keep-alive connections (the gateway picks the
 * partition). Every 2xx is one acknowledged record.
 */
export async function runProduce (port: number, topic: string, body: Buffer, durationSec: number): Promise<Measurement> {
  return await runLoad({
    port,
    method: 'POST',
    path: `/api/v2/messages/${encodeURIComponent(topic)}`,
    headers: { 'content-type': 'application/binary' },
    body,
    connections: PRODUCE_CONNECTIONS,
    durationSec
  })
}
