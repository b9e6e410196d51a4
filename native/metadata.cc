// Cluster metadata (brokers, every topic's partitions) for AdminHandle.metadata(): rd_kafka_metadata on a
// libuv pool thread, copied into plain structs there, turned into JS values on the JS thread.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "admin.h"

namespace kastlex {

namespace {

struct BrokerInfo {
  int32_t id;
  std::string host;
  int32_t port;
};

struct PartitionInfo {
  int32_t id;
  int32_t leader;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isrs;
};

struct TopicInfo {
  std::string name;
  std::vector<PartitionInfo> partitions;
};

Napi::Array Numbers(Napi::Env env, const std::vector<int32_t>& numbers) {
  Napi::Array array = Napi::Array::New(env, numbers.size());
  for (uint32_t i = 0; i < numbers.size(); i++) array.Set(i, Napi::Number::New(env, numbers[i]));
  return array;
}

class MetadataWorker : public Napi::AsyncWorker {
 public:
  MetadataWorker(Napi::Env env, ClientRef client, int timeout_ms)
      : Napi::AsyncWorker(env, "KastlexMetadata"),
        deferred_(Napi::Promise::Deferred::New(env)),
        client_(std::move(client)),
        timeout_ms_(timeout_ms) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 private:
  void Execute() override {
    const rd_kafka_metadata_t* metadata = nullptr;
    code_ = rd_kafka_metadata(client_->get(), 1, nullptr, &metadata, timeout_ms_);
    if (code_ != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    for (int i = 0; i < metadata->broker_cnt; i++) {
      const rd_kafka_metadata_broker_t& broker = metadata->brokers[i];
      brokers_.push_back({broker.id, broker.host ? broker.host : "", broker.port});
    }
    for (int i = 0; i < metadata->topic_cnt; i++) {
      const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
      TopicInfo info{topic.topic ? topic.topic : "", {}};
      for (int j = 0; j < topic.partition_cnt; j++) {
        const rd_kafka_metadata_partition_t& partition = topic.partitions[j];
        info.partitions.push_back({partition.id, partition.leader,
                                   std::vector<int32_t>(partition.replicas, partition.replicas + partition.replica_cnt),
                                   std::vector<int32_t>(partition.isrs, partition.isrs + partition.isr_cnt)});
      }
      topics_.push_back(std::move(info));
    }
    rd_kafka_metadata_destroy(metadata);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (code_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
      deferred_.Reject(MakeError(env, code_, rd_kafka_err2str(code_)).Value());
      return;
    }
    Napi::Array brokers = Napi::Array::New(env, brokers_.size());
    for (uint32_t i = 0; i < brokers_.size(); i++) {
      Napi::Object broker = Napi::Object::New(env);
      broker.Set("id", brokers_[i].id);
      broker.Set("host", brokers_[i].host);
      broker.Set("port", brokers_[i].port);
      brokers.Set(i, broker);
    }
    Napi::Array topics = Napi::Array::New(env, topics_.size());
    for (uint32_t i = 0; i < topics_.size(); i++) {
      Napi::Array partitions = Napi::Array::New(env, topics_[i].partitions.size());
      for (uint32_t j = 0; j < topics_[i].partitions.size(); j++) {
        const PartitionInfo& info = topics_[i].partitions[j];
        Napi::Object partition = Napi::Object::New(env);
        partition.Set("id", info.id);
        partition.Set("leader", info.leader);
        partition.Set("replicas", Numbers(env, info.replicas));
        partition.Set("isrs", Numbers(env, info.isrs));
        partitions.Set(j, partition);
      }
      Napi::Object topic = Napi::Object::New(env);
      topic.Set("name", topics_[i].name);
      topic.Set("partitions", partitions);
      topics.Set(i, topic);
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("brokers", brokers);
    result.Set("topics", topics);
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
  ClientRef client_;
  const int timeout_ms_;
  rd_kafka_resp_err_t code_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::vector<BrokerInfo> brokers_;
  std::vector<TopicInfo> topics_;
};

}  // namespace

Napi::Promise Metadata(Napi::Env env, ClientRef client, int timeout_ms) {
  auto* worker = new MetadataWorker(env, std::move(client), timeout_ms);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace kastlex
