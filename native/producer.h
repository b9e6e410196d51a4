// ProducerHandle (producer.cc): batches of records handed to librdkafka in one call, answered once each.
#pragma once

#include <napi.h>

namespace kastlex {

Napi::Function DefineProducerHandle(Napi::Env env);

}  // namespace kastlex
