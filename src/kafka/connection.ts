// Connecting a librdkafka client, again after a failure: node-rdkafka's connect() gives up for good
// when the first metadata request fails, while the broker may come back later.
import type Kafka from '@platformatic/rdkafka'
import { OpError } from './op-error.js'

export class Connection {
  private connecting: Promise<void> | undefined
  /** ready() has resolved. */
  connected = false

  constructor (private readonly client: Kafka.Client<string>, private readonly timeoutMs: number) {}

  /** Resolves once connected; rejects with an OpError when this attempt fails (the next call retries). */
  ready (): Promise<void> {
    this.connecting ??= new Promise<void>((resolve, reject) => {
      this.client.connect({ timeout: this.timeoutMs, allTopics: false }, (err) => {
        if (err) {
          this.connecting = undefined
          reject(OpError.fromKafka(err))
        } else {
          this.connected = true
          resolve()
        }
      })
    })
    return this.connecting
  }

}
