// Consumer groups (SPEC §7): list (v1, v2) and show (v1 documented shape, v2 live shape).
import { groupExists, v1View, v2View } from '../groups/views.js'
import type { GroupSnapshot } from '../pool/group-snapshot.js'
import type { OffsetsMonitor } from '../cluster/offsets-monitor.js'
import type { RequestContext, Route } from '../http/router.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import { unknownGroup } from '../http/errors.js'

export interface ConsumersOptions {
  readonly kafka: KafkaClient
  readonly offsets: OffsetsMonitor
  /** KASTLEX_CG_EXCLUDE_REGEX: such groups are treated as non-existent everywhere. */
  readonly excluded: (group: string) => boolean
}

export function consumerRoutes ({ kafka, offsets, excluded }: ConsumersOptions): Route[] {
  const list = async (): Promise<{ status: number, body: string }> => {
    const groups = (await kafka.run({ op: 'listGroups' })).filter((group) => !excluded(group))
    return { status: 200, body: JSON.stringify([...new Set(groups)].sort()) }
  }
  const show = (view: typeof v1View) => async (ctx: RequestContext) => {
    const group = ctx.params.group_id as string
    if (excluded(group)) throw unknownGroup()
    const snapshot: GroupSnapshot = await kafka.run({ op: 'describeGroup', group })
    if (!groupExists(snapshot)) throw unknownGroup()
    return { status: 200, body: JSON.stringify(view(snapshot, (topic, partition) => offsets.highWatermark(topic, partition))) }
  }
  return [
    { method: 'GET', template: '/api/v1/consumers', negotiation: 'accept', action: 'list_groups', handle: list },
    { method: 'GET', template: '/api/v2/consumers', negotiation: 'accept', action: 'list_groups', handle: list },
    { method: 'GET', template: '/api/v1/consumers/:group_id', negotiation: 'accept', action: 'show_group', handle: show(v1View) },
    { method: 'GET', template: '/api/v2/consumers/:group_id', negotiation: 'accept', action: 'show_group', handle: show(v2View) }
  ]
}
