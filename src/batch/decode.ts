// A batch body → its records, checked all-or-nothing (SPEC §10.4): format faults (400, 413) first, then
// where the records go (400 for a record partition that contradicts the path, 404 for one that does not exist).
import { invalidRecord, kafkaError } from '../http/errors.js'
import type { ProduceBatchOp } from '../pool/messages.js'
import { decodeFramedRecords } from './binary-framing.js'
import { decodeJsonRecords, decodeNdjsonRecords } from './json-records.js'
import type { BatchRecord } from './records.js'

export type BatchBody = Pick<ProduceBatchOp, 'format' | 'body' | 'maxRecords' | 'headers' | 'partition' | 'partitionCount'>

export function decodeBatch (batch: BatchBody): BatchRecord[] {
  const records = decodeBody(batch)
  const { partition, partitionCount } = batch
  if (partition >= 0) {
    const contradicting = records.findIndex((record) => record.partition >= 0 && record.partition !== partition)
    if (contradicting >= 0) throw invalidRecord(contradicting, `partition is not the path's ${partition}`)
  }
  if (partitionCount === null || partition >= partitionCount || records.some((record) => record.partition >= partitionCount)) {
    throw kafkaError('unknown_topic_or_partition')
  }
  return records
}

function decodeBody ({ format, body, maxRecords, headers }: BatchBody): BatchRecord[] {
  switch (format) {
    case 'json': return decodeJsonRecords(body, maxRecords)
    case 'ndjson': return decodeNdjsonRecords(body, maxRecords)
    // Empty keys and values are null, as on the single-record route (SPEC §4.7).
    case 'binary': return decodeFramedRecords(body, maxRecords).map(({ key, value }) => ({
      key: key?.length === 0 ? null : key, value: value?.length === 0 ? null : value, partition: -1, headers
    }))
  }
}
