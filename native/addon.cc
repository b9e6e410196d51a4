// kastlex_admin: AdminHandle, one rd_kafka_t for the admin calls @platformatic/rdkafka lacks.
// Context-aware (Napi::Addon: one instance per thread that loads it); the TS wrapper
// src/kafka/admin-client.ts validates arguments, and this file checks them again so that a bad
// argument throws (with code ERR__INVALID_ARG) rather than crash.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <string>
#include <utility>
#include <vector>

#include "admin.h"
#include "arguments.h"
#include "offset-runs.h"
#include "partition-reader.h"
#include "producer.h"

namespace kastlex {

namespace {

std::vector<std::string> StringArrayArg(Napi::Env env, const Napi::Value& value, const char* name, size_t max_bytes) {
  if (!value.IsArray()) ThrowInvalid(env, std::string(name) + " must be an array");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> strings;
  strings.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) strings.push_back(StringArg(env, array.Get(i), name, max_bytes));
  return strings;
}

class AdminHandle : public Napi::ObjectWrap<AdminHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "AdminHandle",
                       {
                           InstanceMethod<&AdminHandle::ListGroupsMethod>("listGroups"),
                           InstanceMethod<&AdminHandle::DescribeGroupsMethod>("describeGroups"),
                           InstanceMethod<&AdminHandle::ListGroupOffsetsMethod>("listGroupOffsets"),
                           InstanceMethod<&AdminHandle::DescribeTopicConfigsMethod>("describeTopicConfigs"),
                           InstanceMethod<&AdminHandle::ListOffsetsMethod>("listOffsets"),
                           InstanceMethod<&AdminHandle::MetadataMethod>("metadata"),
                           InstanceMethod<&AdminHandle::CloseMethod>("close"),
                       });
  }

  // new AdminHandle({ 'bootstrap.servers': '…', … }): every value a string.
  explicit AdminHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AdminHandle>(info) {
    Napi::Env env = info.Env();
    rd_kafka_conf_t* conf = Configuration(env, info[0]);
    char errstr[512] = "";
    // An admin handle only needs the broker threads; a producer instance provides them.
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
      rd_kafka_conf_destroy(conf);  // rd_kafka_new owns conf only on success
      ThrowInvalid(env, errstr);
    }
    client_ = std::make_shared<Client>(rk);
  }

  // The finalizer (GC or thread exit) drops our reference like close(); calls in flight keep theirs.
  ~AdminHandle() override = default;

 private:
  // The client for a call, or a rejected promise if closed.
  bool Open(Napi::Env env, Napi::Value* rejected) const {
    if (client_) return true;
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(MakeError(env, RD_KAFKA_RESP_ERR__DESTROY, "admin client is closed").Value());
    *rejected = deferred.Promise();
    return false;
  }

  Napi::Value ListGroupsMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const int timeout_ms = TimeoutArg(info, 0);
    Napi::Value rejected;
    if (!Open(env, &rejected)) return rejected;
    return ListGroups(env, client_, timeout_ms);
  }

  Napi::Value DescribeGroupsMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<std::string> groups = StringArrayArg(env, info[0], "groupIds", kMaxGroupIdBytes);
    const int timeout_ms = TimeoutArg(info, 1);
    if (groups.empty()) ThrowInvalid(env, "groupIds is empty");
    Napi::Value rejected;
    if (!Open(env, &rejected)) return rejected;
    return DescribeGroups(env, client_, std::move(groups), timeout_ms);
  }

  Napi::Value ListGroupOffsetsMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::string group = StringArg(env, info[0], "groupId", kMaxGroupIdBytes);
    const int timeout_ms = TimeoutArg(info, 1);
    Napi::Value rejected;
    if (!Open(env, &rejected)) return rejected;
    return ListGroupOffsets(env, client_, std::move(group), timeout_ms);
  }

  Napi::Value DescribeTopicConfigsMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<std::string> topics = StringArrayArg(env, info[0], "topics", kMaxTopicBytes);
    const int timeout_ms = TimeoutArg(info, 1);
    if (topics.empty()) ThrowInvalid(env, "topics is empty");
    Napi::Value rejected;
    if (!Open(env, &rejected)) return rejected;
    return DescribeTopicConfigs(env, client_, std::move(topics), timeout_ms);
  }

  // listOffsets([{ topic, partition, spec }], readCommitted, timeoutMs): spec -2 earliest, -1 latest,
  // or a timestamp >= 0.
  Napi::Value ListOffsetsMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) ThrowInvalid(env, "partitions must be an array");
    Napi::Array array = info[0].As<Napi::Array>();
    if (array.Length() == 0) ThrowInvalid(env, "partitions is empty");
    std::vector<OffsetQuery> queries;
    queries.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); i++) {
      Napi::Value item = array.Get(i);
      if (!item.IsObject()) ThrowInvalid(env, "partitions must hold objects");
      Napi::Object query = item.As<Napi::Object>();
      queries.push_back({StringArg(env, query.Get("topic"), "topic", kMaxTopicBytes),
                         static_cast<int32_t>(IntegerArg(env, query.Get("partition"), "partition", 0, INT32_MAX)),
                         IntegerArg(env, query.Get("spec"), "spec", RD_KAFKA_OFFSET_SPEC_EARLIEST, 9007199254740991.0)});
    }
    if (!info[1].IsBoolean()) ThrowInvalid(env, "readCommitted must be a boolean");
    const bool read_committed = info[1].As<Napi::Boolean>().Value();
    const int timeout_ms = TimeoutArg(info, 2);
    Napi::Value rejected;
    if (!Open(env, &rejected)) return rejected;
    return ListOffsets(env, client_, std::move(queries), read_committed, timeout_ms);
  }

  Napi::Value MetadataMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const int timeout_ms = TimeoutArg(info, 0);
    Napi::Value rejected;
    if (!Open(env, &rejected)) return rejected;
    return Metadata(env, client_, timeout_ms);
  }

  // Idempotent. rd_kafka_destroy runs here unless a call is still in flight (then when it settles).
  Napi::Value CloseMethod(const Napi::CallbackInfo& info) {
    client_.reset();
    return info.Env().Undefined();
  }

  ClientRef client_;
};

// Ends the process at once: no exit handlers, no native cleanup. exit() runs the cleanup of every
// librdkafka client, and a client whose close hangs keeps it from returning (measured: the process
// stayed alive for minutes after process.exit). The caller has written its last log lines.
Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  const int code = static_cast<int>(IntegerArg(info.Env(), info[0], "code", 0, 255));
  std::fflush(nullptr);
  _exit(code);
}

// The same, `ms` from now, from a thread of its own: it ends the process even while the JavaScript
// thread is stuck in a native call. Armed when a stop begins, as the stop's last word on its deadline.
Napi::Value ExitAfter(const Napi::CallbackInfo& info) {
  const int64_t ms = IntegerArg(info.Env(), info[0], "ms", 0, kMaxTimeoutMs);
  const int code = static_cast<int>(IntegerArg(info.Env(), info[1], "code", 0, 255));
  std::thread([ms, code] {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    std::fflush(nullptr);
    _exit(code);
  }).detach();
  return info.Env().Undefined();
}

// answerOffsets([[topic, partition, reported], …]): what the producer answers for these successful delivery
// reports, in this order (offset-runs.h), for the unit tests of that rule.
Napi::Value AnswerOffsets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) ThrowInvalid(env, "reports must be an array");
  Napi::Array reports = info[0].As<Napi::Array>();
  Napi::Array answers = Napi::Array::New(env, reports.Length());
  OffsetRuns runs;
  for (uint32_t i = 0; i < reports.Length(); i++) {
    Napi::Value item = reports.Get(i);
    if (!item.IsArray()) ThrowInvalid(env, "reports must hold [topic, partition, reported]");
    Napi::Array report = item.As<Napi::Array>();
    const std::string topic = StringArg(env, report.Get(0u), "topic", kMaxTopicBytes);
    const auto partition = static_cast<int32_t>(IntegerArg(env, report.Get(1u), "partition", 0, INT32_MAX));
    const int64_t reported = IntegerArg(env, report.Get(2u), "reported", -9007199254740991.0, 9007199254740991.0);
    answers.Set(i, Napi::Number::New(env, static_cast<double>(runs.Answer(topic.c_str(), partition, reported))));
  }
  return answers;
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceValue("exitNow", Napi::Function::New<ExitNow>(env, "exitNow"), napi_enumerable),
                             InstanceValue("exitAfter", Napi::Function::New<ExitAfter>(env, "exitAfter"), napi_enumerable),
                             InstanceValue("AdminHandle", AdminHandle::Define(env), napi_enumerable),
                             InstanceValue("ProducerHandle", DefineProducerHandle(env), napi_enumerable),
                             InstanceValue("PartitionReader", DefinePartitionReader(env), napi_enumerable),
                             InstanceValue("answerOffsets", Napi::Function::New<AnswerOffsets>(env, "answerOffsets"),
                                           napi_enumerable),
                             InstanceValue("librdkafkaVersion", Napi::String::New(env, rd_kafka_version_str()),
                                           napi_enumerable),
                         });
  }
};

}  // namespace

}  // namespace kastlex

using KastlexAdmin = kastlex::Addon;
NODE_API_ADDON(KastlexAdmin)
