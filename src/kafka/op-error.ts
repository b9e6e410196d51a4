// A failed Kafka operation, named per SPEC §2.6. Crosses threads as plain OpFailure data.
import type { OpFailure } from '../pool/messages.js'
import { kafkaErrorCode, kafkaErrorName } from './errors.js'

export class OpError extends Error {
  constructor (readonly error: string, readonly extras?: OpFailure['extras']) {
    super(error)
  }

  /** From whatever librdkafka threw or reported (a LibrdKafkaError). */
  static fromKafka (err: unknown): OpError {
    if (err instanceof OpError) return err
    return new OpError(kafkaErrorName(kafkaErrorCode(err)))
  }

  toFailure (): OpFailure {
    return this.extras === undefined ? { error: this.error } : { error: this.error, extras: this.extras }
  }
}
