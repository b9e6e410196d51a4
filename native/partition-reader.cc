// PartitionReader: a librdkafka consumer of assigned partitions (no group joined, nothing committed) whose
// pull() hands JavaScript a whole batch of records packed in one Buffer. Through @platformatic/rdkafka every
// record became a JS object with its key and value copied into Buffers of their own; replaying
// `__consumer_offsets` spent 41 % of the main thread there and reached 73,000–98,000 records/s (stop 21).
//
// A pull's Buffer holds entries one after the other, each a header of four little-endian int32 (kind,
// partition, key length, value length; a length of -1 is null) followed by the key's and the value's bytes.
// Kind 0 is a record; kind 1 is the end of a partition (enable.partition.eof), with no bytes.
// Other consumer errors (a broker down, a partition moving) are librdkafka's to retry, and are skipped.
#include <librdkafka/rdkafka.h>
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "admin.h"
#include "arguments.h"
#include "call-worker.h"
#include "partition-reader.h"

namespace kastlex {

namespace {

// The entry kinds and the header's size (PULL_* in src/kafka/addon.ts).
constexpr int32_t kRecord = 0;
constexpr int32_t kEndOfPartition = 1;
constexpr size_t kHeaderBytes = 16;
constexpr int32_t kNull = -1;
constexpr int kMaxPullRecords = 100000;
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "headers are copied as they are in memory");

// Releases the consumer's queue reference a pull holds.
struct QueueRelease {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};

class PullWorker final : public CallWorker {
 public:
  PullWorker(Napi::Env env, ClientRef client, int max_records, int wait_ms)
      : CallWorker(env, "KastlexPull", std::move(client), wait_ms), max_records_(max_records) {}

 private:
  void Run() override {
    std::unique_ptr<rd_kafka_queue_t, QueueRelease> queue(rd_kafka_queue_get_consumer(client()));
    if (!queue) return Fail(RD_KAFKA_RESP_ERR__STATE, "not a consumer");
    std::vector<rd_kafka_message_t*> messages(static_cast<size_t>(max_records_));
    const ssize_t count = rd_kafka_consume_batch_queue(queue.get(), timeout_ms(), messages.data(), messages.size());
    if (count < 0) return Fail(rd_kafka_last_error(), "");
    size_t bytes = 0;
    for (ssize_t i = 0; i < count; i++) bytes += kHeaderBytes + messages[i]->key_len + messages[i]->len;
    packed_.reserve(bytes);
    for (ssize_t i = 0; i < count; i++) {
      const rd_kafka_message_t* message = messages[i];
      if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        Header(kEndOfPartition, message->partition, kNull, kNull);
      } else if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Header(kRecord, message->partition, message->key ? static_cast<int32_t>(message->key_len) : kNull,
               message->payload ? static_cast<int32_t>(message->len) : kNull);
        Bytes(message->key, message->key_len);
        Bytes(message->payload, message->len);
      }
    }
    for (ssize_t i = 0; i < count; i++) rd_kafka_message_destroy(messages[i]);
  }

  Napi::Value Result(Napi::Env env) override {
    return Napi::Buffer<uint8_t>::Copy(env, packed_.data(), packed_.size());
  }

  void Header(int32_t kind, int32_t partition, int32_t key_length, int32_t value_length) {
    const int32_t header[] = {kind, partition, key_length, value_length};
    Bytes(header, sizeof header);
  }

  void Bytes(const void* data, size_t size) {
    if (data == nullptr || size == 0) return;
    const auto* bytes = static_cast<const uint8_t*>(data);
    packed_.insert(packed_.end(), bytes, bytes + size);
  }

  const int max_records_;
  std::vector<uint8_t> packed_;
};

class PartitionReader : public Napi::ObjectWrap<PartitionReader> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "PartitionReader",
                       {
                           InstanceMethod<&PartitionReader::PartitionsMethod>("partitions"),
                           InstanceMethod<&PartitionReader::AssignMethod>("assign"),
                           InstanceMethod<&PartitionReader::PullMethod>("pull"),
                           InstanceMethod<&PartitionReader::CloseMethod>("close"),
                       });
  }

  // new PartitionReader({ 'bootstrap.servers': '…', 'group.id': '…', … }): every value a string. The group is
  // never joined; librdkafka needs one for assign().
  explicit PartitionReader(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PartitionReader>(info) {
    Napi::Env env = info.Env();
    rd_kafka_conf_t* conf = Configuration(env, info[0]);
    char errstr[512] = "";
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
      rd_kafka_conf_destroy(conf);
      ThrowInvalid(env, errstr);
    }
    // Errors and the other events of the main queue come with the records (and are skipped), rather than
    // pile up in a queue nobody polls.
    rd_kafka_poll_set_consumer(rk);
    client_ = std::make_shared<Client>(rk);
  }

  ~PartitionReader() override = default;

 private:
  void Check(Napi::Env env) const {
    if (!client_) throw MakeError(env, RD_KAFKA_RESP_ERR__DESTROY, "partition reader is closed");
  }

  // partitions(topic, timeoutMs): the metadata of that one topic ({ brokers, topics: [{ name, partitions }] });
  // a missing topic has no partitions.
  Napi::Value PartitionsMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::string topic = StringArg(env, info[0], "topic", kMaxTopicBytes);
    const int timeout_ms = TimeoutArg(info, 1);
    Check(env);
    return Metadata(env, client_, timeout_ms, std::move(topic));
  }

  // assign(topic, partitions, offset): reads these partitions of `topic` from `offset` (-2 the earliest),
  // replacing any assignment.
  Napi::Value AssignMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::string topic = StringArg(env, info[0], "topic", kMaxTopicBytes);
    if (!info[1].IsArray()) ThrowInvalid(env, "partitions must be an array");
    Napi::Array partitions = info[1].As<Napi::Array>();
    const int64_t offset = IntegerArg(env, info[2], "offset", RD_KAFKA_OFFSET_BEGINNING, 9007199254740991.0);
    Check(env);
    std::unique_ptr<rd_kafka_topic_partition_list_t, void (*)(rd_kafka_topic_partition_list_t*)> list(
        rd_kafka_topic_partition_list_new(static_cast<int>(partitions.Length())), rd_kafka_topic_partition_list_destroy);
    for (uint32_t i = 0; i < partitions.Length(); i++) {
      const auto partition = static_cast<int32_t>(IntegerArg(env, partitions.Get(i), "partition", 0, INT32_MAX));
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
    }
    const rd_kafka_resp_err_t code = rd_kafka_assign(client_->get(), list.get());
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR) throw MakeError(env, code, rd_kafka_err2str(code));
    return env.Undefined();
  }

  // pull(maxRecords, waitMs): a promise of one packed Buffer, with up to maxRecords entries; it waits up to
  // waitMs for the first (a pool thread waits, not the JS thread).
  Napi::Value PullMethod(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const auto max_records = static_cast<int>(IntegerArg(env, info[0], "maxRecords", 1, kMaxPullRecords));
    const int wait_ms = TimeoutArg(info, 1);
    Check(env);
    return Start<PullWorker>(env, client_, max_records, wait_ms);
  }

  // Idempotent. rd_kafka_destroy runs here unless a call is still in flight (then when it settles).
  Napi::Value CloseMethod(const Napi::CallbackInfo& info) {
    client_.reset();
    return info.Env().Undefined();
  }

  ClientRef client_;
};

}  // namespace

Napi::Function DefinePartitionReader(Napi::Env env) { return PartitionReader::Define(env); }

}  // namespace kastlex
