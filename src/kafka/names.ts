// Which topic and group names can exist in Kafka (SPEC §10.6a). Names from clients are checked against
// these before any Kafka call: a name that cannot exist never reaches librdkafka, whose binding crashes
// on some (a topic name over 512 bytes ended the process).

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/
/** Kafka's limit on a group id, in UTF-8 bytes. */
export const MAX_GROUP_ID_BYTES = 255

/** A name Kafka accepts for a topic: 1–249 of `[A-Za-z0-9._-]`, not `.` or `..`. */
export function isTopicName (name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..'
}

/** A group id that can exist: not empty, no NUL, at most 255 bytes of UTF-8. */
export function isGroupId (name: string): boolean {
  // A UTF-16 unit is at most 3 bytes of UTF-8: the byte count is needed only for long ids.
  return name.length > 0 && !name.includes('\0') &&
    (name.length * 3 <= MAX_GROUP_ID_BYTES || Buffer.byteLength(name) <= MAX_GROUP_ID_BYTES)
}
