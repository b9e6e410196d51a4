// A failed Kafka operation, named per SPEC §2.6. The Kafka thread answers it as the HttpError of that
// name (pool/service.ts), which crosses to the front end as plain data.
import { kafkaErrorCode, kafkaErrorName } from './errors.js'

export class OpError extends Error {
  /** `message` (for logs) defaults to the name: an AdminError keeps librdkafka's text there. */
  constructor (readonly error: string, readonly extras?: Readonly<Record<string, number | string | null>>, message = error) {
    super(message)
  }

  /** From whatever librdkafka threw or reported (a LibrdKafkaError). */
  static fromKafka (err: unknown): OpError {
    if (err instanceof OpError) return err
    return new OpError(kafkaErrorName(kafkaErrorCode(err)))
  }
}
