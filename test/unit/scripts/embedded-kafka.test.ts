// The embedded broker's cluster id: Kafka's storage tool takes an id beginning with `-` for an option and
// refuses to format, so one start in 64 failed before the id was drawn again in that case.
import test from 'ava'

const SCRIPT = new URL('../../../../scripts/embedded-kafka.mjs', import.meta.url).href

test('cluster ids are Kafka Uuids (16 bytes, base64url) and never begin with "-"', async (t) => {
  const { newClusterId } = await import(SCRIPT) as { newClusterId: () => string }
  const ids = Array.from({ length: 10_000 }, () => newClusterId())
  t.deepEqual(ids.filter((id) => id.startsWith('-')), [])
  t.true(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').length === 16))
  t.is(new Set(ids).size, ids.length)
})
