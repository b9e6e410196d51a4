// ProducerHandle: a librdkafka producer that takes a whole batch of records in one call. Through
// @platformatic/rdkafka every record costs a produce() call and a delivery report object (7.1–7.5 µs of CPU
// per 1 KB record, bench:producer), while librdkafka itself costs about 1 µs. Here delivery reports are
// served on a thread of ours and handed to the JS thread packed in one Float64Array (one thread-safe call
// wakes it for every report come since), in librdkafka's order.
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <napi.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "admin.h"
#include "arguments.h"
#include "offset-runs.h"
#include "producer.h"

namespace kastlex {

namespace {

// How long the poll thread blocks when nothing happens (stopping wakes it at once).
constexpr int kPollMs = 1000;
// librdkafka takes a NULL payload for "no value": an empty Buffer's value points here instead.
const char kEmpty[1] = {0};

// A report's fields in the packed array (REPORT_FIELDS in src/kafka/addon.ts): batch number, index,
// error (0 = none), partition, offset.
constexpr size_t kReportFields = 5;
// A record's opaque: its batch number and index, packed (no allocation, nothing to free).
constexpr unsigned kIndexBits = 32;

// The property names of a record (JS thread). Made once: a name given as C text is a new string per lookup,
// which V8 then looks up in its string table (4-5 % of the producer's thread at 100,000 records/s).
struct RecordKeys {
  Napi::Value partition;
  Napi::Value key;
  Napi::Value value;
  Napi::Value headers;
};

// The state shared by the JS thread, the poll thread and the thread-safe calls: owned by the handle, by
// each call queued and by the thread that destroys the client, so it outlives all of them.
class Core : public std::enable_shared_from_this<Core> {
 public:
  Core() = default;
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  ~Core() { Destroy(); }

  // Serves the client's events on a thread of ours. librdkafka writes to a pipe when its event queue
  // becomes non-empty, and Close() writes to it to stop the thread (rd_kafka_yield does not reliably
  // end a poll that waits: closes took up to the poll's timeout).
  void Start(rd_kafka_t* rk, Napi::ThreadSafeFunction tsfn) {
    rk_ = rk;
    tsfn_ = std::move(tsfn);
    if (pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) wake_[0] = wake_[1] = -1;
    events_ = rd_kafka_queue_get_main(rk_);
    if (wake_[1] >= 0) rd_kafka_queue_io_event_enable(events_, wake_[1], "e", 1);
    poller_ = std::thread([this] {
      char drained[64];
      pollfd wake = {wake_[0], POLLIN, 0};
      while (!stopping_.load()) {
        if (wake_[0] >= 0) {
          poll(&wake, 1, kPollMs);
          while (read(wake_[0], drained, sizeof drained) > 0) {
          }
        }
        if (stopping_.load()) break;
        rd_kafka_poll(rk_, wake_[0] >= 0 ? 0 : kPollMs);
      }
    });
  }

  bool open() const { return !stopping_.load(); }

  // JS thread. Hands each record over; returns the records librdkafka refused, [index, error, …].
  std::vector<int32_t> Produce(const std::string& topic, Napi::Array records, int32_t partition, uint32_t number,
                               int64_t timestamp_ms, const RecordKeys& keys) {
    std::vector<int32_t> refused;
    rd_kafka_topic_t* rkt = Topic(topic);
    const uint32_t size = records.Length();
    for (uint32_t index = 0; index < size; index++) {
      const int32_t err = SendRecord(rkt, records.Get(index), partition, timestamp_ms, Opaque(number, index), keys);
      if (err != 0) refused.insert(refused.end(), {static_cast<int32_t>(index), err});
    }
    return refused;
  }

  // JS thread. One record, its fields given apart (no record object to read); 0, or the error refusing it.
  int32_t ProduceOne(const std::string& topic, Napi::Value key, Napi::Value value, Napi::Value headers,
                     int32_t partition, uint32_t number, int64_t timestamp_ms) {
    return Send(Topic(topic), partition, timestamp_ms, Opaque(number, 0), key, value, headers);
  }

  // Stops the poll thread and, on a thread of its own, destroys the client: what it still queues is
  // dropped, without delivery reports.
  void Close() {
    if (stopping_.exchange(true) || !rk_) return;
    if (wake_[1] >= 0) (void)!write(wake_[1], "s", 1);
    poller_.join();
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
    tsfn_.Release();
    // rd_kafka_destroy waits for librdkafka's threads.
    std::thread([self = shared_from_this()] { self->Destroy(); }).detach();
  }

  // librdkafka callbacks (poll thread).
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* core = static_cast<Core*>(opaque);
    const auto id = reinterpret_cast<uintptr_t>(message->_private);
    const int64_t offset = message->err ? kUnknownOffset
                                        : core->offset_runs_.Answer(rd_kafka_topic_name(message->rkt), message->partition,
                                                                   message->offset);
    const double report[kReportFields] = {static_cast<double>(id >> kIndexBits), static_cast<double>(id & 0xffffffffu),
                                          static_cast<double>(message->err), static_cast<double>(message->partition),
                                          static_cast<double>(offset)};
    {
      std::lock_guard<std::mutex> lock(core->mutex_);
      core->reports_.insert(core->reports_.end(), report, report + kReportFields);
    }
    core->Signal();
  }

  static int OnStatistics(rd_kafka_t*, char* json, size_t length, void* opaque) {
    auto* core = static_cast<Core*>(opaque);
    {
      std::lock_guard<std::mutex> lock(core->mutex_);
      core->statistics_.assign(json, length);
      core->has_statistics_ = true;
    }
    core->Signal();
    return 0;  // librdkafka frees json
  }

  // JS thread: the reports come since the last call, then the latest statistics.
  void Drain(Napi::Env env, Napi::Function callback) {
    std::vector<double> reports;
    std::string statistics;
    bool has_statistics;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reports.swap(reports_);
      statistics.swap(statistics_);
      has_statistics = has_statistics_;
      has_statistics_ = false;
      signalled_ = false;
    }
    if (!reports.empty()) {
      auto packed = Napi::Float64Array::New(env, reports.size());
      std::copy(reports.begin(), reports.end(), packed.Data());
      callback.Call({packed});
    }
    if (has_statistics) callback.Call({Napi::String::New(env, statistics)});
  }

 private:
  rd_kafka_topic_t* Topic(const std::string& name) {
    auto found = topics_.find(name);
    if (found != topics_.end()) return found->second;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, name.c_str(), nullptr);
    topics_.emplace(name, rkt);
    return rkt;
  }

  // The opaque of record `index` of batch `number` (see kIndexBits).
  static void* Opaque(uint32_t number, uint32_t index) {
    return reinterpret_cast<void*>((static_cast<uintptr_t>(number) << kIndexBits) | index);
  }

  // A record of a batch: its own partition (when ≥ 0) overrides the batch's; an element that is no record
  // is refused as such.
  int32_t SendRecord(rd_kafka_topic_t* rkt, Napi::Value element, int32_t partition, int64_t timestamp_ms, void* opaque,
                     const RecordKeys& keys) {
    if (!element.IsObject()) return RD_KAFKA_RESP_ERR__INVALID_ARG;
    Napi::Object record = element.As<Napi::Object>();
    Napi::Value own_partition = record.Get(keys.partition);
    if (own_partition.IsNumber()) {
      const int32_t value = own_partition.As<Napi::Number>().Int32Value();
      if (value >= 0) partition = value;
    }
    return Send(rkt, partition, timestamp_ms, opaque, record.Get(keys.key), record.Get(keys.value),
                record.Get(keys.headers));
  }

  // The record's bytes are copied by librdkafka. `key` and `value` Buffers or null, `headers` [[name, value], …].
  int32_t Send(rd_kafka_topic_t* rkt, int32_t partition, int64_t timestamp_ms, void* opaque, Napi::Value key,
               Napi::Value value, Napi::Value list) {
    if (!rkt) return RD_KAFKA_RESP_ERR__INVALID_ARG;
    rd_kafka_vu_t vus[8];
    size_t count = 0;
    vus[count].vtype = RD_KAFKA_VTYPE_RKT;
    vus[count++].u.rkt = rkt;
    vus[count].vtype = RD_KAFKA_VTYPE_PARTITION;
    vus[count++].u.i32 = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
    vus[count].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vus[count++].u.i = RD_KAFKA_MSG_F_COPY;
    vus[count].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vus[count++].u.i64 = timestamp_ms;
    vus[count].vtype = RD_KAFKA_VTYPE_OPAQUE;
    vus[count++].u.ptr = opaque;
    if (!Bytes(value, RD_KAFKA_VTYPE_VALUE, &vus[count++])) return RD_KAFKA_RESP_ERR__INVALID_ARG;
    if (!Bytes(key, RD_KAFKA_VTYPE_KEY, &vus[count++])) return RD_KAFKA_RESP_ERR__INVALID_ARG;
    rd_kafka_headers_t* headers = nullptr;
    if (list.IsArray() && list.As<Napi::Array>().Length() > 0) {
      headers = Headers(list.As<Napi::Array>());
      if (!headers) return RD_KAFKA_RESP_ERR__INVALID_ARG;
      vus[count].vtype = RD_KAFKA_VTYPE_HEADERS;
      vus[count++].u.headers = headers;
    }
    rd_kafka_error_t* error = rd_kafka_produceva(rk_, vus, count);
    if (!error) return 0;
    const int32_t code = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    if (headers) rd_kafka_headers_destroy(headers);  // not taken over on failure
    return code;
  }

  // A Buffer, or null (no key, no value: a tombstone).
  static bool Bytes(Napi::Value value, rd_kafka_vtype_t type, rd_kafka_vu_t* vu) {
    vu->vtype = type;
    if (value.IsNull() || value.IsUndefined()) {
      vu->u.mem.ptr = nullptr;
      vu->u.mem.size = 0;
      return true;
    }
    if (!value.IsBuffer()) return false;
    auto buffer = value.As<Napi::Buffer<char>>();
    vu->u.mem.ptr = buffer.Length() > 0 ? buffer.Data() : const_cast<char*>(kEmpty);
    vu->u.mem.size = buffer.Length();
    return true;
  }

  // [[name, value], …] of strings.
  static rd_kafka_headers_t* Headers(Napi::Array list) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(list.Length());
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Value pair = list.Get(i);
      if (!pair.IsArray()) break;
      Napi::Value name = pair.As<Napi::Array>().Get(0u);
      Napi::Value value = pair.As<Napi::Array>().Get(1u);
      if (!name.IsString() || !value.IsString()) break;
      const std::string name_text = name.As<Napi::String>().Utf8Value();
      const std::string value_text = value.As<Napi::String>().Utf8Value();
      rd_kafka_header_add(headers, name_text.data(), static_cast<ssize_t>(name_text.size()), value_text.data(),
                          static_cast<ssize_t>(value_text.size()));
      if (i + 1 == list.Length()) return headers;
    }
    rd_kafka_headers_destroy(headers);
    return nullptr;
  }

  // One thread-safe call wakes the JS thread for everything done until it runs.
  void Signal() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (signalled_) return;
      signalled_ = true;
    }
    tsfn_.NonBlockingCall([self = shared_from_this()](Napi::Env env, Napi::Function callback) {
      if (env == nullptr || callback.IsEmpty()) return;
      try {
        self->Drain(env, callback);
      } catch (const Napi::Error& error) {
        try {
          error.ThrowAsJavaScriptException();  // the callback threw: JavaScript's uncaught exception
        } catch (const Napi::Error&) {
          // the thread is being terminated: no JavaScript runs any more
        }
      }
    });
  }

  void Destroy() {
    std::lock_guard<std::mutex> lock(destroy_mutex_);
    if (events_) {
      rd_kafka_queue_io_event_enable(events_, -1, nullptr, 0);
      rd_kafka_queue_destroy(events_);
      events_ = nullptr;
    }
    for (auto& entry : topics_) rd_kafka_topic_destroy(entry.second);
    topics_.clear();
    if (rk_) rd_kafka_destroy(rk_);
    rk_ = nullptr;
    for (int& fd : wake_) {
      if (fd >= 0) close(fd);
      fd = -1;
    }
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* events_ = nullptr;
  int wake_[2] = {-1, -1};  // the pipe that wakes the poll thread
  std::mutex destroy_mutex_;
  std::thread poller_;
  std::atomic<bool> stopping_{false};
  Napi::ThreadSafeFunction tsfn_;
  std::unordered_map<std::string, rd_kafka_topic_t*> topics_;  // JS thread
  OffsetRuns offset_runs_;  // poll thread: the reports of a partition come in librdkafka's order

  std::mutex mutex_;  // guards the members below
  std::vector<double> reports_;  // kReportFields per report
  std::string statistics_;
  bool has_statistics_ = false;
  bool signalled_ = false;
};

// new ProducerHandle(properties, onEvent): properties as AdminHandle's (strings); onEvent(reports) with a
// Float64Array of kReportFields per delivery report, onEvent(json) with librdkafka's statistics.
class ProducerHandle : public Napi::ObjectWrap<ProducerHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ProducerHandle",
                       {
                           InstanceMethod<&ProducerHandle::ProduceMethod>("produce"),
                           InstanceMethod<&ProducerHandle::ProduceOneMethod>("produceOne"),
                           InstanceMethod<&ProducerHandle::CloseMethod>("close"),
                       });
  }

  explicit ProducerHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProducerHandle>(info) {
    Napi::Env env = info.Env();
    if (!info[1].IsFunction()) ThrowInvalid(env, "onEvent must be a function");
    Napi::Array record_keys = Napi::Array::New(env, 4);
    uint32_t at = 0;
    for (const char* name : {"partition", "key", "value", "headers"}) record_keys.Set(at++, Napi::String::New(env, name));
    record_keys_ = Napi::Persistent(record_keys);
    rd_kafka_conf_t* conf = Configuration(env, info[0]);
    rd_kafka_conf_set_opaque(conf, core_.get());
    rd_kafka_conf_set_dr_msg_cb(conf, Core::OnDelivery);
    rd_kafka_conf_set_stats_cb(conf, Core::OnStatistics);
    // Errors are retried inside librdkafka, and the records' failures reach their delivery reports.
    rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int, const char*, void*) {});
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
    char errstr[512] = "";
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
      rd_kafka_conf_destroy(conf);  // rd_kafka_new owns conf only on success
      ThrowInvalid(env, errstr);
    }
    auto tsfn = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "KastlexProducer", 0, 1);
    tsfn.Unref(env);  // batches in flight keep the loop alive through their deadlines, not through this
    core_->Start(rk, std::move(tsfn));
    // A worker thread that ends: stop the poll thread while the thread-safe function is still valid.
    cleanup_ = env.AddCleanupHook(std::function<void()>([core = core_, ran = hook_ran_] {
      *ran = true;
      core->Close();
    }));
  }

  ~ProducerHandle() override {
    core_->Close();
    if (!*hook_ran_) cleanup_.Remove(Env());  // a hook that ran is gone (and its data freed)
  }

 private:
  // produce(topic, records, partition, batchNumber, timestampMs): records [{ partition, key, value, headers }];
  // undefined, or an Int32Array [index, error, …] of the records refused at once (no report follows for them).
  Napi::Value ProduceMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::string topic = StringArg(env, info[0], "topic", kMaxTopicBytes);
    if (!info[1].IsArray()) ThrowInvalid(env, "records must be an array");
    const auto partition = static_cast<int32_t>(IntegerArg(env, info[2], "partition", -1, INT32_MAX));
    const auto number = static_cast<uint32_t>(IntegerArg(env, info[3], "batch", 0, UINT32_MAX));
    const int64_t timestamp_ms = IntegerArg(env, info[4], "timestampMs", 0, 9007199254740991.0);
    if (!core_->open()) throw MakeError(env, RD_KAFKA_RESP_ERR__DESTROY, "producer is closed");
    Napi::Array names = record_keys_.Value();
    const RecordKeys keys = {names.Get(0u), names.Get(1u), names.Get(2u), names.Get(3u)};
    const std::vector<int32_t> refused =
        core_->Produce(topic, info[1].As<Napi::Array>(), partition, number, timestamp_ms, keys);
    if (refused.empty()) return env.Undefined();
    auto list = Napi::Int32Array::New(env, refused.size());
    std::copy(refused.begin(), refused.end(), list.Data());
    return list;
  }

  // produceOne(topic, key, value, headers, partition, batchNumber, timestampMs): one record as a batch of one,
  // without the array and the record object (their lookups were nearly half of a single produce's call under produce-256);
  // 0, or the error that refused it at once (no report follows).
  Napi::Value ProduceOneMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::string topic = StringArg(env, info[0], "topic", kMaxTopicBytes);
    const auto partition = static_cast<int32_t>(IntegerArg(env, info[4], "partition", -1, INT32_MAX));
    const auto number = static_cast<uint32_t>(IntegerArg(env, info[5], "batch", 0, UINT32_MAX));
    const int64_t timestamp_ms = IntegerArg(env, info[6], "timestampMs", 0, 9007199254740991.0);
    if (!core_->open()) throw MakeError(env, RD_KAFKA_RESP_ERR__DESTROY, "producer is closed");
    return Napi::Number::New(env, core_->ProduceOne(topic, info[1], info[2], info[3], partition, number, timestamp_ms));
  }

  // Idempotent: drops what is still queued, without reports.
  Napi::Value CloseMethod(const Napi::CallbackInfo& info) {
    core_->Close();
    return info.Env().Undefined();
  }

  std::shared_ptr<Core> core_ = std::make_shared<Core>();
  // A record's property names (RecordKeys) in this order, made in the constructor; held in an array because
  // Node-API 8 references only objects.
  Napi::Reference<Napi::Array> record_keys_;
  std::shared_ptr<bool> hook_ran_ = std::make_shared<bool>(false);  // JS thread only
  Napi::Env::CleanupHook<std::function<void()>> cleanup_;
};

}  // namespace

Napi::Function DefineProducerHandle(Napi::Env env) { return ProducerHandle::Define(env); }

}  // namespace kastlex
