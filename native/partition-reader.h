// PartitionReader (partition-reader.cc): assigned partitions read in batches packed into one Buffer per pull.
#pragma once

#include <napi.h>

namespace kastlex {

Napi::Function DefinePartitionReader(Napi::Env env);

}  // namespace kastlex
