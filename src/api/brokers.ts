// GET /api/v1/brokers, /api/v1/brokers/:broker (SPEC §4.5).
import { invalid, unknownBroker } from '../http/errors.js'
import type { Route } from '../http/router.js'
import { INT32_MAX, parseInteger } from '../integers.js'
import type { BrokerMetadata } from '../pool/messages.js'
import type { SecurityProtocol } from '../config.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'

export function brokerRoutes (metadata: MetadataCache, protocol: SecurityProtocol): Route[] {
  // librdkafka's metadata carries no rack; `""` is the contract's value for "unset".
  const brokerBody = ({ id, host, port }: BrokerMetadata) =>
    ({ id, node_id: id, host, port, rack: '', endpoints: [`${protocol}://${host}:${port}`] })
  return [
    {
      method: 'GET',
      template: '/api/v1/brokers',
      negotiation: 'accept',
      action: 'list_brokers',
      handle: async () => {
        const { brokers } = await metadata.current()
        return { status: 200, body: JSON.stringify(brokers.map(brokerBody)) }
      }
    },
    {
      method: 'GET',
      template: '/api/v1/brokers/:broker',
      negotiation: 'accept',
      action: 'show_broker',
      handle: async (ctx) => {
        const id = parseInteger(ctx.params.broker as string, 0, INT32_MAX)
        if (id === undefined) throw invalid('broker')
        const broker = (await metadata.current()).brokers.find((b) => b.id === id)
        if (broker === undefined) throw unknownBroker()
        return { status: 200, body: JSON.stringify(brokerBody(broker)) }
      }
    }
  ]
}
