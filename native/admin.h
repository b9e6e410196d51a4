// librdkafka admin calls the JS binding lacks, and cluster metadata. One CallWorker per call
// (call-worker.h): the request and the wait for its result on a libuv pool thread, copying the result
// into plain C++ structs; JS values built and the promise settled on the JS thread. No JS value is ever
// touched off the JS thread, and there is no static mutable state.
#pragma once

#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kastlex {

// Owns one rd_kafka_t. The AdminHandle and every call in flight share it, so close() or the
// finalizer never destroys the handle under a call still waiting on its queue: the last owner does.
class Client {
 public:
  explicit Client(rd_kafka_t* rk) : rk_(rk) {}
  ~Client() { rd_kafka_destroy(rk_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  rd_kafka_t* get() const { return rk_; }

 private:
  rd_kafka_t* const rk_;
};

using ClientRef = std::shared_ptr<Client>;

// A JS Error carrying the librdkafka error code as `code` (the TS wrapper turns it into AdminError).
Napi::Error MakeError(Napi::Env env, int code, const std::string& message);

struct OffsetQuery {
  std::string topic;
  int32_t partition;
  int64_t spec;  // RD_KAFKA_OFFSET_SPEC_EARLIEST/LATEST, or a timestamp (ms) >= 0
};

// Each queues one call and returns its promise. Arguments were validated by the caller.
Napi::Promise ListGroups(Napi::Env env, ClientRef client, int timeout_ms);
Napi::Promise DescribeGroups(Napi::Env env, ClientRef client, std::vector<std::string> groups, int timeout_ms);
Napi::Promise ListGroupOffsets(Napi::Env env, ClientRef client, std::string group, int timeout_ms);
Napi::Promise DescribeTopicConfigs(Napi::Env env, ClientRef client, std::vector<std::string> topics, int timeout_ms);
// Brokers and every topic's partitions, or only `topic`'s when it is not empty (metadata.cc).
Napi::Promise Metadata(Napi::Env env, ClientRef client, int timeout_ms, std::string topic = "");
Napi::Promise ListOffsets(Napi::Env env, ClientRef client, std::vector<OffsetQuery> queries, bool read_committed,
                          int timeout_ms);

}  // namespace kastlex
