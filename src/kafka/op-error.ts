// A failed Kafka operation, named per SPEC §2.6. Crosses threads as plain OpFailure data.
import type { OpFailure } from '../pool/messages.js'
import { kafkaErrorName } from './errors.js'

export class OpError extends Error {
  constructor (readonly error: string, readonly extras?: OpFailure['extras']) {
    super(error)
  }

  /** From whatever librdkafka threw or reported (LibrdKafkaError has a numeric `code`). */
  static fromKafka (err: unknown): OpError {
    if (err instanceof OpError) return err
    const code = (err as { code?: unknown } | null)?.code
    return new OpError(kafkaErrorName(typeof code === 'number' ? code : undefined))
  }

  toFailure (): OpFailure {
    return this.extras === undefined ? { error: this.error } : { error: this.error, extras: this.extras }
  }
}
