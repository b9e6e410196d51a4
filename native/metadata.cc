// Cluster metadata (brokers, every topic's partitions or one topic's) for AdminHandle.metadata() and
// PartitionReader.partitions(): rd_kafka_metadata on a
// libuv pool thread (a CallWorker), copied into plain structs there, turned into JS values on the JS thread.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "admin.h"
#include "call-worker.h"

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

class MetadataWorker final : public CallWorker {
 public:
  MetadataWorker(Napi::Env env, ClientRef client, int timeout_ms, std::string topic)
      : CallWorker(env, "KastlexMetadata", std::move(client), timeout_ms), topic_(std::move(topic)) {}

 private:
  void Run() override {
    rd_kafka_topic_t* only = topic_.empty() ? nullptr : rd_kafka_topic_new(client(), topic_.c_str(), nullptr);
    if (!topic_.empty() && only == nullptr) return Fail(rd_kafka_last_error(), "");
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t code = rd_kafka_metadata(client(), only == nullptr, only, &metadata, timeout_ms());
    if (only != nullptr) rd_kafka_topic_destroy(only);
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR) return Fail(code, "");
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

  Napi::Value Result(Napi::Env env) override {
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
    return result;
  }

  const std::string topic_;
  std::vector<BrokerInfo> brokers_;
  std::vector<TopicInfo> topics_;
};

}  // namespace

Napi::Promise Metadata(Napi::Env env, ClientRef client, int timeout_ms, std::string topic) {
  return Start<MetadataWorker>(env, std::move(client), timeout_ms, std::move(topic));
}

}  // namespace kastlex
