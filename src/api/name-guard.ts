// The checks every route with a `:topic` or `:group_id` gets before its handler runs (SPEC §10.6a):
// a name that cannot exist is answered 404 without any Kafka call, and the token storage topic is
// refused on every route that reads or writes topic data. Applied to the whole route table, so a new
// route cannot forget them.
import { forbidden, type HttpError, kafkaError, unknownGroup } from '../http/errors.js'
import type { Route } from '../http/router.js'
import { isGroupId, isTopicName } from '../kafka/names.js'

const unknownTopicOrPartition = (): HttpError => kafkaError('unknown_topic_or_partition')

/** Actions on a topic's records and offsets: never allowed on the token storage topic. */
const TOPIC_DATA_ACTIONS: ReadonlySet<string | undefined> = new Set(['produce', 'fetch', 'show_offsets'])

/** Whether a template such as `/api/v1/messages/:topic/:partition` captures `param`. */
export const takesParam = (template: string, param: string): boolean => template.split('/').includes(`:${param}`)

/** The routes with their handlers behind the name checks; `tokenTopic` = KASTLEX_TOKEN_STORAGE_TOPIC. */
export function guardNames (routes: readonly Route[], tokenTopic: string): Route[] {
  return routes.map((route) => {
    const topicParam = takesParam(route.template, 'topic')
    const groupParam = takesParam(route.template, 'group_id')
    if (!topicParam && !groupParam) return route
    const reserved = TOPIC_DATA_ACTIONS.has(route.action)
    const unknownTopic = route.unknownTopic ?? unknownTopicOrPartition
    const { handle } = route
    return {
      ...route,
      handle: (ctx) => {
        if (topicParam) {
          const topic = ctx.params.topic as string
          if (reserved && topic === tokenTopic) throw forbidden()
          if (!isTopicName(topic)) throw unknownTopic()
        }
        if (groupParam && !isGroupId(ctx.params.group_id as string)) throw unknownGroup()
        return handle(ctx)
      }
    }
  })
}
