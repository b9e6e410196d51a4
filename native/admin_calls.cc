// The five admin calls, each an AdminWorker: Request() issues it, Collect() copies the result event
// into plain structs (pool thread), Result() turns those into JS values (JS thread).
#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "admin.h"
#include "call-worker.h"

namespace kastlex {

namespace {

// Beyond the request timeout librdkafka is about to post the result anyway (its own admin timer
// fires at the request timeout); this only bounds the wait should it never come.
constexpr int kResultGraceMs = 5000;

struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const { rd_kafka_AdminOptions_destroy(options); }
};
struct ErrorDeleter {
  void operator()(rd_kafka_error_t* error) const { rd_kafka_error_destroy(error); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using OptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

std::string Copy(const char* text) { return text ? std::string(text) : std::string(); }

std::optional<std::string> CopyNullable(const char* text) {
  return text ? std::optional<std::string>(text) : std::nullopt;
}

Napi::Value Nullable(Napi::Env env, const std::optional<std::string>& text) {
  return text ? Napi::String::New(env, *text) : env.Null();
}

// An admin API call: its options, a queue of its own, and a bounded wait for its result event.
class AdminWorker : public CallWorker {
 protected:
  AdminWorker(Napi::Env env, ClientRef client, int timeout_ms, rd_kafka_admin_op_t op,
              rd_kafka_event_type_t result_type)
      : CallWorker(env, "KastlexAdmin", std::move(client), timeout_ms), op_(op), result_type_(result_type) {}

  // Pool thread. Extra options for this call; an error fails the call.
  virtual rd_kafka_error_t* Configure(rd_kafka_AdminOptions_t*) { return nullptr; }
  // Pool thread. Issues the request; its result event goes to `queue`.
  virtual void Request(rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) = 0;
  // Pool thread. Copies the (successful) result event; may Fail() the whole call.
  virtual void Collect(rd_kafka_event_t* event) = 0;

 private:
  void Run() final {
    rd_kafka_t* rk = client();
    char errstr[512] = "";
    OptionsPtr options(rd_kafka_AdminOptions_new(rk, op_));
    if (!options) return Fail(RD_KAFKA_RESP_ERR__INVALID_ARG, "unsupported admin operation");
    if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms(), errstr, sizeof errstr)) {
      return Fail(RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    }
    if (ErrorPtr error{Configure(options.get())}) {
      return Fail(rd_kafka_error_code(error.get()), Copy(rd_kafka_error_string(error.get())));
    }
    QueuePtr queue(rd_kafka_queue_new(rk));
    Request(rk, options.get(), queue.get());  // copies the options and arguments

    EventPtr event = Await(queue.get());
    if (!event) {
      return Fail(RD_KAFKA_RESP_ERR__TIMED_OUT,
                  "no result within " + std::to_string(timeout_ms() + kResultGraceMs) + " ms");
    }
    if (rd_kafka_resp_err_t err = rd_kafka_event_error(event.get())) {
      return Fail(err, Copy(rd_kafka_event_error_string(event.get())));
    }
    Collect(event.get());
  }

  // Bounded wait for this call's result event (the queue is ours alone, but skip anything else).
  EventPtr Await(rd_kafka_queue_t* queue) const {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms() + kResultGraceMs);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return nullptr;
      EventPtr event(rd_kafka_queue_poll(queue, static_cast<int>(left)));
      if (event && rd_kafka_event_type(event.get()) == result_type_) return event;
    }
  }

  const rd_kafka_admin_op_t op_;
  const rd_kafka_event_type_t result_type_;
};

// ---- ListConsumerGroups ----

struct GroupListing {
  std::string group_id;
  std::string state;
  bool simple;
  std::string type;
};

class ListGroupsWorker final : public AdminWorker {
 public:
  ListGroupsWorker(Napi::Env env, ClientRef client, int timeout_ms)
      : AdminWorker(env, std::move(client), timeout_ms, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
                    RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT) {}

 private:
  // No state or type filter: every group of every type, from every broker.
  void Request(rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) override {
    rd_kafka_ListConsumerGroups(rk, options, queue);
  }

  void Collect(rd_kafka_event_t* event) override {
    const rd_kafka_ListConsumerGroups_result_t* result = rd_kafka_event_ListConsumerGroups_result(event);
    size_t error_count = 0;
    const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
    if (error_count > 0) {  // some broker did not answer: the list would be incomplete
      return Fail(rd_kafka_error_code(errors[0]), Copy(rd_kafka_error_string(errors[0])) + " (" +
                                                      std::to_string(error_count) + " broker(s) failed to list groups)");
    }
    size_t count = 0;
    const rd_kafka_ConsumerGroupListing_t** groups = rd_kafka_ListConsumerGroups_result_valid(result, &count);
    groups_.reserve(count);
    for (size_t i = 0; i < count; i++) {
      groups_.push_back({Copy(rd_kafka_ConsumerGroupListing_group_id(groups[i])),
                         Copy(rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(groups[i]))),
                         rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]) != 0,
                         Copy(rd_kafka_consumer_group_type_name(rd_kafka_ConsumerGroupListing_type(groups[i])))});
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Array array = Napi::Array::New(env, groups_.size());
    for (size_t i = 0; i < groups_.size(); i++) {
      Napi::Object group = Napi::Object::New(env);
      group.Set("groupId", groups_[i].group_id);
      group.Set("state", groups_[i].state);
      group.Set("isSimpleConsumerGroup", groups_[i].simple);
      group.Set("type", groups_[i].type);
      array.Set(i, group);
    }
    return array;
  }

  std::vector<GroupListing> groups_;
};

// ---- DescribeConsumerGroups ----

struct TopicPartition {
  std::string topic;
  int32_t partition;
};

struct Member {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::optional<std::string> group_instance_id;
  std::vector<TopicPartition> assignment;
};

struct Node {
  int id;
  std::string host;
  int port;
};

struct GroupDescription {
  std::string group_id;
  int error;
  bool simple;
  std::string state;
  std::string type;
  std::string assignor;
  std::optional<Node> coordinator;
  std::vector<Member> members;
};

class DescribeGroupsWorker final : public AdminWorker {
 public:
  DescribeGroupsWorker(Napi::Env env, ClientRef client, std::vector<std::string> groups, int timeout_ms)
      : AdminWorker(env, std::move(client), timeout_ms, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
                    RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT),
        group_ids_(std::move(groups)) {}

 private:
  void Request(rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) override {
    std::vector<const char*> ids;
    ids.reserve(group_ids_.size());
    for (const std::string& id : group_ids_) ids.push_back(id.c_str());
    rd_kafka_DescribeConsumerGroups(rk, ids.data(), ids.size(), options, queue);
  }

  void Collect(rd_kafka_event_t* event) override {
    size_t count = 0;
    const rd_kafka_ConsumerGroupDescription_t** groups =
        rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(event), &count);
    groups_.reserve(count);
    for (size_t i = 0; i < count; i++) {
      const rd_kafka_ConsumerGroupDescription_t* group = groups[i];
      const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(group);
      const rd_kafka_Node_t* coordinator = rd_kafka_ConsumerGroupDescription_coordinator(group);
      GroupDescription description{
          Copy(rd_kafka_ConsumerGroupDescription_group_id(group)),
          error ? rd_kafka_error_code(error) : 0,
          rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(group) != 0,
          Copy(rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(group))),
          Copy(rd_kafka_consumer_group_type_name(rd_kafka_ConsumerGroupDescription_type(group))),
          Copy(rd_kafka_ConsumerGroupDescription_partition_assignor(group)),
          coordinator ? std::optional<Node>(Node{rd_kafka_Node_id(coordinator), Copy(rd_kafka_Node_host(coordinator)),
                                                 rd_kafka_Node_port(coordinator)})
                      : std::nullopt,
          {}};
      const size_t member_count = rd_kafka_ConsumerGroupDescription_member_count(group);
      description.members.reserve(member_count);
      for (size_t m = 0; m < member_count; m++) {
        const rd_kafka_MemberDescription_t* member = rd_kafka_ConsumerGroupDescription_member(group, m);
        if (!member) continue;
        Member copy{Copy(rd_kafka_MemberDescription_consumer_id(member)),
                    Copy(rd_kafka_MemberDescription_client_id(member)), Copy(rd_kafka_MemberDescription_host(member)),
                    CopyNullable(rd_kafka_MemberDescription_group_instance_id(member)),
                    {}};
        const rd_kafka_MemberAssignment_t* assignment = rd_kafka_MemberDescription_assignment(member);
        const rd_kafka_topic_partition_list_t* partitions =
            assignment ? rd_kafka_MemberAssignment_partitions(assignment) : nullptr;
        for (int p = 0; partitions && p < partitions->cnt; p++) {
          copy.assignment.push_back({Copy(partitions->elems[p].topic), partitions->elems[p].partition});
        }
        description.members.push_back(std::move(copy));
      }
      groups_.push_back(std::move(description));
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Array array = Napi::Array::New(env, groups_.size());
    for (size_t i = 0; i < groups_.size(); i++) {
      const GroupDescription& group = groups_[i];
      Napi::Object object = Napi::Object::New(env);
      object.Set("groupId", group.group_id);
      object.Set("error", group.error);
      object.Set("isSimpleConsumerGroup", group.simple);
      object.Set("state", group.state);
      object.Set("type", group.type);
      object.Set("partitionAssignor", group.assignor);
      if (group.coordinator) {
        Napi::Object node = Napi::Object::New(env);
        node.Set("id", group.coordinator->id);
        node.Set("host", group.coordinator->host);
        node.Set("port", group.coordinator->port);
        object.Set("coordinator", node);
      } else {
        object.Set("coordinator", env.Null());
      }
      Napi::Array members = Napi::Array::New(env, group.members.size());
      for (size_t m = 0; m < group.members.size(); m++) {
        const Member& member = group.members[m];
        Napi::Object entry = Napi::Object::New(env);
        entry.Set("memberId", member.member_id);
        entry.Set("clientId", member.client_id);
        entry.Set("host", member.host);
        entry.Set("groupInstanceId", Nullable(env, member.group_instance_id));
        Napi::Array assignment = Napi::Array::New(env, member.assignment.size());
        for (size_t p = 0; p < member.assignment.size(); p++) {
          Napi::Object partition = Napi::Object::New(env);
          partition.Set("topic", member.assignment[p].topic);
          partition.Set("partition", member.assignment[p].partition);
          assignment.Set(p, partition);
        }
        entry.Set("assignment", assignment);
        members.Set(m, entry);
      }
      object.Set("members", members);
      array.Set(i, object);
    }
    return array;
  }

  const std::vector<std::string> group_ids_;
  std::vector<GroupDescription> groups_;
};

// ---- ListConsumerGroupOffsets ----

struct CommittedOffset {
  std::string topic;
  int32_t partition;
  int64_t offset;
  int32_t leader_epoch;  // -1: unknown
  std::optional<std::string> metadata;
  int error;
};

class ListGroupOffsetsWorker final : public AdminWorker {
 public:
  ListGroupOffsetsWorker(Napi::Env env, ClientRef client, std::string group, int timeout_ms)
      : AdminWorker(env, std::move(client), timeout_ms, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
                    RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT),
        group_(std::move(group)) {}

 private:
  // A NULL partition list asks for every partition the group committed to.
  void Request(rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) override {
    rd_kafka_ListConsumerGroupOffsets_t* request = rd_kafka_ListConsumerGroupOffsets_new(group_.c_str(), nullptr);
    rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, options, queue);
    rd_kafka_ListConsumerGroupOffsets_destroy(request);
  }

  void Collect(rd_kafka_event_t* event) override {
    size_t count = 0;
    const rd_kafka_group_result_t** groups =
        rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event), &count);
    if (count != 1) return Fail(RD_KAFKA_RESP_ERR__BAD_MSG, "expected one group result, got " + std::to_string(count));
    if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[0])) {
      return Fail(rd_kafka_error_code(error), Copy(rd_kafka_error_string(error)));
    }
    const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(groups[0]);
    for (int i = 0; partitions && i < partitions->cnt; i++) {
      const rd_kafka_topic_partition_t& p = partitions->elems[i];
      offsets_.push_back({Copy(p.topic), p.partition, p.offset, rd_kafka_topic_partition_get_leader_epoch(&p),
                          p.metadata ? std::optional<std::string>(std::string(static_cast<const char*>(p.metadata),
                                                                              p.metadata_size))
                                     : std::nullopt,
                          p.err});
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Array array = Napi::Array::New(env, offsets_.size());
    for (size_t i = 0; i < offsets_.size(); i++) {
      const CommittedOffset& entry = offsets_[i];
      Napi::Object object = Napi::Object::New(env);
      object.Set("topic", entry.topic);
      object.Set("partition", entry.partition);
      object.Set("offset", static_cast<double>(entry.offset));
      object.Set("leaderEpoch", entry.leader_epoch >= 0 ? Napi::Number::New(env, entry.leader_epoch) : env.Null());
      object.Set("metadata", entry.metadata ? Napi::Buffer<char>::Copy(env, entry.metadata->data(), entry.metadata->size())
                                            : env.Null());
      object.Set("error", entry.error);
      array.Set(i, object);
    }
    return array;
  }

  const std::string group_;
  std::vector<CommittedOffset> offsets_;
};

// ---- DescribeConfigs (topics) ----

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;
  std::string source;
  bool is_default;
  bool is_sensitive;
  bool is_read_only;
};

struct TopicConfig {
  std::string topic;
  int error;
  std::vector<ConfigEntry> entries;
};

class DescribeTopicConfigsWorker final : public AdminWorker {
 public:
  DescribeTopicConfigsWorker(Napi::Env env, ClientRef client, std::vector<std::string> topics, int timeout_ms)
      : AdminWorker(env, std::move(client), timeout_ms, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
                    RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT),
        topics_(std::move(topics)) {}

 private:
  void Request(rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) override {
    std::vector<rd_kafka_ConfigResource_t*> resources;
    resources.reserve(topics_.size());
    for (const std::string& topic : topics_) {
      resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
    }
    rd_kafka_DescribeConfigs(rk, resources.data(), resources.size(), options, queue);
    rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
  }

  void Collect(rd_kafka_event_t* event) override {
    size_t count = 0;
    const rd_kafka_ConfigResource_t** resources =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count);
    configs_.reserve(count);
    for (size_t i = 0; i < count; i++) {
      TopicConfig config{Copy(rd_kafka_ConfigResource_name(resources[i])), rd_kafka_ConfigResource_error(resources[i]),
                         {}};
      size_t entry_count = 0;
      const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[i], &entry_count);
      config.entries.reserve(entry_count);
      for (size_t e = 0; e < entry_count; e++) {
        const char* source = rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(entries[e]));
        config.entries.push_back({Copy(rd_kafka_ConfigEntry_name(entries[e])),
                                  CopyNullable(rd_kafka_ConfigEntry_value(entries[e])),
                                  source ? std::string(source) : std::string("UNKNOWN_CONFIG"),
                                  rd_kafka_ConfigEntry_is_default(entries[e]) != 0,
                                  rd_kafka_ConfigEntry_is_sensitive(entries[e]) != 0,
                                  rd_kafka_ConfigEntry_is_read_only(entries[e]) != 0});
      }
      configs_.push_back(std::move(config));
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Array array = Napi::Array::New(env, configs_.size());
    for (size_t i = 0; i < configs_.size(); i++) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("topic", configs_[i].topic);
      object.Set("error", configs_[i].error);
      Napi::Array entries = Napi::Array::New(env, configs_[i].entries.size());
      for (size_t e = 0; e < configs_[i].entries.size(); e++) {
        const ConfigEntry& entry = configs_[i].entries[e];
        Napi::Object item = Napi::Object::New(env);
        item.Set("name", entry.name);
        item.Set("value", Nullable(env, entry.value));
        item.Set("source", entry.source);
        item.Set("isDefault", entry.is_default);
        item.Set("isSensitive", entry.is_sensitive);
        item.Set("isReadOnly", entry.is_read_only);
        entries.Set(e, item);
      }
      object.Set("entries", entries);
      array.Set(i, object);
    }
    return array;
  }

  const std::vector<std::string> topics_;
  std::vector<TopicConfig> configs_;
};

// ---- ListOffsets ----

struct ListedOffset {
  std::string topic;
  int32_t partition;
  int64_t offset;
  int64_t timestamp;
  int error;
};

class ListOffsetsWorker final : public AdminWorker {
 public:
  ListOffsetsWorker(Napi::Env env, ClientRef client, std::vector<OffsetQuery> queries, bool read_committed,
                    int timeout_ms)
      : AdminWorker(env, std::move(client), timeout_ms, RD_KAFKA_ADMIN_OP_LISTOFFSETS,
                    RD_KAFKA_EVENT_LISTOFFSETS_RESULT),
        queries_(std::move(queries)),
        read_committed_(read_committed) {}

 private:
  rd_kafka_error_t* Configure(rd_kafka_AdminOptions_t* options) override {
    return rd_kafka_AdminOptions_set_isolation_level(
        options, read_committed_ ? RD_KAFKA_ISOLATION_LEVEL_READ_COMMITTED : RD_KAFKA_ISOLATION_LEVEL_READ_UNCOMMITTED);
  }

  void Request(rd_kafka_t* rk, const rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) override {
    rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(static_cast<int>(queries_.size()));
    for (const OffsetQuery& query : queries_) {
      rd_kafka_topic_partition_list_add(partitions, query.topic.c_str(), query.partition)->offset = query.spec;
    }
    rd_kafka_ListOffsets(rk, partitions, options, queue);
    rd_kafka_topic_partition_list_destroy(partitions);
  }

  void Collect(rd_kafka_event_t* event) override {
    size_t count = 0;
    const rd_kafka_ListOffsetsResultInfo_t** infos =
        rd_kafka_ListOffsets_result_infos(rd_kafka_event_ListOffsets_result(event), &count);
    offsets_.reserve(count);
    for (size_t i = 0; i < count; i++) {
      const rd_kafka_topic_partition_t* p = rd_kafka_ListOffsetsResultInfo_topic_partition(infos[i]);
      offsets_.push_back(
          {Copy(p->topic), p->partition, p->offset, rd_kafka_ListOffsetsResultInfo_timestamp(infos[i]), p->err});
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Array array = Napi::Array::New(env, offsets_.size());
    for (size_t i = 0; i < offsets_.size(); i++) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("topic", offsets_[i].topic);
      object.Set("partition", offsets_[i].partition);
      object.Set("offset", static_cast<double>(offsets_[i].offset));
      object.Set("timestamp", static_cast<double>(offsets_[i].timestamp));
      object.Set("error", offsets_[i].error);
      array.Set(i, object);
    }
    return array;
  }

  const std::vector<OffsetQuery> queries_;
  const bool read_committed_;
  std::vector<ListedOffset> offsets_;
};

}  // namespace

Napi::Error MakeError(Napi::Env env, int code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::Number::New(env, code));
  return error;
}

Napi::Promise ListGroups(Napi::Env env, ClientRef client, int timeout_ms) {
  return Start<ListGroupsWorker>(env, std::move(client), timeout_ms);
}

Napi::Promise DescribeGroups(Napi::Env env, ClientRef client, std::vector<std::string> groups, int timeout_ms) {
  return Start<DescribeGroupsWorker>(env, std::move(client), std::move(groups), timeout_ms);
}

Napi::Promise ListGroupOffsets(Napi::Env env, ClientRef client, std::string group, int timeout_ms) {
  return Start<ListGroupOffsetsWorker>(env, std::move(client), std::move(group), timeout_ms);
}

Napi::Promise DescribeTopicConfigs(Napi::Env env, ClientRef client, std::vector<std::string> topics, int timeout_ms) {
  return Start<DescribeTopicConfigsWorker>(env, std::move(client), std::move(topics), timeout_ms);
}

Napi::Promise ListOffsets(Napi::Env env, ClientRef client, std::vector<OffsetQuery> queries, bool read_committed,
                          int timeout_ms) {
  return Start<ListOffsetsWorker>(env, std::move(client), std::move(queries), read_committed, timeout_ms);
}

}  // namespace kastlex
