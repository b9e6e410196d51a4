// Fills the fetch topic for the sequential readers: `count` copies of the record on every partition,
// written by a librdkafka producer of this process (faster than any HTTP path, and the same for
// every contender), in Kafka batches of `batchBytes`: with the default batch.size (1 MB) and a short
// linger, batches came out anywhere between 70 and 970 records of 1 KB, run to run, and a random
// read's cost with them (the broker sends the whole batch holding the offset).
import Kafka from '@platformatic/rdkafka'

const CONNECT_TIMEOUT_MS = 30_000
const FLUSH_TIMEOUT_MS = 120_000
/** Records handed to librdkafka before waiting for deliveries. */
const WINDOW = 50_000
/** The binding aborts the process when a disconnected client is garbage collected: keep them. */
const finished: Kafka.Producer[] = []

export async function prefill (kafka: string, topic: string, partitions: number[], count: number, value: Buffer, batchBytes: number): Promise<void> {
  const producer = new Kafka.Producer({
    'metadata.broker.list': kafka,
    'client.id': 'kastlex-bench-prefill',
    acks: -1,
    'batch.size': batchBytes,
    // Long enough for every batch to fill up to batch.size while the records pour in.
    'linger.ms': 100,
    'queue.buffering.max.messages': WINDOW * 2,
    'queue.buffering.max.kbytes': 2_097_151,
    dr_cb: true,
    log_level: 3
  } as Kafka.ProducerGlobalConfig)
  finished.push(producer)
  let delivered = 0
  let firstError: { message: string } | undefined
  let onDelivery = (): void => {}
  producer.on('delivery-report', (err) => {
    if (err) firstError ??= err
    else delivered++
    onDelivery()
  })
  /** Resolves on the delivery report after which done() holds. */
  const until = (done: () => boolean): Promise<void> => new Promise((resolve) => {
    onDelivery = () => { if (done()) { onDelivery = () => {}; resolve() } }
    onDelivery()
  })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: CONNECT_TIMEOUT_MS }, (err) => err ? reject(new Error(`prefill connect: ${err.message}`)) : resolve()))
  const poller = setInterval(() => producer.poll(), 5)
  try {
    const total = partitions.length * count
    for (let sent = 0; sent < total; sent++) {
      producer.produce(topic, partitions[sent % partitions.length], value, null, Date.now())
      if (sent + 1 - delivered >= WINDOW) await until(() => sent + 1 - delivered < WINDOW / 2 || firstError !== undefined)
      if (firstError !== undefined) throw new Error(`prefill of ${topic}: ${firstError.message}`)
    }
    await new Promise<void>((resolve, reject) => producer.flush(FLUSH_TIMEOUT_MS, (err) => err ? reject(err) : resolve()))
    await until(() => delivered === total || firstError !== undefined)
    if (firstError !== undefined) throw new Error(`prefill of ${topic}: ${firstError.message}`)
  } finally {
    clearInterval(poller)
    await new Promise<void>((resolve) => producer.disconnect(10_000, () => resolve()))
  }
}

