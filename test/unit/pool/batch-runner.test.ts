// A Kafka thread's side of the pool (src/pool/batch-runner.ts): what its answers carry across the port.
import test from 'ava'
import { MessageChannel } from 'node:worker_threads'
import { serveBatches, type OpExecutor } from '../../../src/pool/batch-runner.js'
import type { BatchProgress, FetchOp, FetchResult, KafkaOp } from '../../../src/pool/messages.js'

const fetchOp = (partition: number): FetchOp => ({
  op: 'fetch', topic: 't', partition, offset: { kind: 'exact', value: 0 }, maxWaitMs: 0, minBytes: 1, maxBytes: 1024, format: { kind: 'binary', contentType: 'application/octet-stream' }
})

test('a binary fetch answer crosses as exactly its own bytes; the record it was cut from stays intact', async (t) => {
  // As the read cache holds them: records in one slab, an answer a view of one of them.
  const slab = Buffer.alloc(8192, 7)
  slab.write('the record', 1000)
  const record = slab.subarray(1000, 1010)
  const results: FetchResult[] = [
    { encoded: { headers: [], body: record }, records: 1, bytes: 10, next: 1 },
    { encoded: { headers: [], body: '[]' }, records: 0, bytes: 0, next: 0 }
  ]
  const executor: OpExecutor = {
    execute: async (op: KafkaOp) => ({ ok: true, value: results[(op as FetchOp).partition] }) as never,
    close: async () => {}
  }
  const { port1, port2 } = new MessageChannel()
  const received = new Promise<BatchProgress>((resolve) => port1.once('message', resolve))
  await serveBatches(executor)({ ops: [fetchOp(0), fetchOp(1)], port: port2 })
  const progress = await received
  port1.close()
  const byIndex = new Map(progress.map(([index, outcome]) => [index, outcome.ok ? outcome.value as FetchResult : undefined]))
  const binary = byIndex.get(0)?.encoded.body as Uint8Array
  t.is(Buffer.from(binary).toString(), 'the record')
  t.is(binary.buffer.byteLength, 10, 'not the 8 KB slab it was cut from')
  t.is(byIndex.get(1)?.encoded.body, '[]')
  t.is(record.toString(), 'the record', 'the cached record is not detached by the transfer')
  t.is(slab.length, 8192)
})
