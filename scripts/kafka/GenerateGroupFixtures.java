// Golden fixtures for src/groups/consumer-offsets.ts and src/groups/consumer-protocol.ts, written with
// Kafka's own generated message classes and serializers (SPEC §7.1, §7.3). Run from the repository root
// after `npm run kafka:up` has cached the Kafka jars:
//   java -cp '.cache/kafka-libs/*' scripts/kafka/GenerateGroupFixtures.java offsets > test/fixtures/consumer-offsets/records.json
//   java -cp '.cache/kafka-libs/*' scripts/kafka/GenerateGroupFixtures.java protocol > test/fixtures/consumer-protocol/members.json
// (no argument = offsets). The output is checked in; the unit tests never run Java.
//
// Each case holds the bytes as hex and `expected`, the decoder's result. `expected` is built from the
// message Kafka's generated reader (`new XxxValue(Readable, version)`) reads back from those bytes, so a
// field absent from a version carries Kafka's default, then mapped as the decoder documents: leader
// epoch, expire timestamp and current-state timestamp −1 → null (Kafka's sentinels), rebalance timeout
// and group instance id null when the version lacks them. `kafkaSerde` records whether Kafka 4.1's own
// record deserializer (GroupCoordinatorRecordSerde) accepts the pair.
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerProtocolAssignment;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.coordinator.group.GroupCoordinatorRecordSerde;
import org.apache.kafka.coordinator.group.generated.CoordinatorRecordType;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue.MemberMetadata;
import org.apache.kafka.coordinator.group.generated.LegacyOffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.LegacyOffsetCommitValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;

public class GenerateGroupFixtures {
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final HexFormat HEX = HexFormat.of();
  static final GroupCoordinatorRecordSerde SERDE = new GroupCoordinatorRecordSerde();

  public static void main(String[] args) throws Exception {
    String what = args.length == 0 ? "offsets" : args[0];
    ObjectNode root = F.objectNode();
    root.put("generator", "scripts/kafka/GenerateGroupFixtures.java " + what);
    root.put("kafka", AppInfoParser.getVersion());
    switch (what) {
      case "offsets" -> root.set("records", offsetsRecords());
      case "protocol" -> {
        root.set("subscriptions", subscriptions());
        root.set("assignments", assignments());
      }
      default -> throw new IllegalArgumentException("usage: GenerateGroupFixtures [offsets|protocol]");
    }
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    System.out.println(mapper.writeValueAsString(root));
  }

  // ---------------------------------------------------------------- __consumer_offsets records

  static final String LONG_GROUP = "g".repeat(300);
  static final String LONG_TOPIC = "t".repeat(249);

  static ArrayNode offsetsRecords() {
    ArrayNode out = F.arrayNode();

    // Offset commits: key type 1 (OffsetCommitKey) with every value version.
    offset(out, "offset v0", key1("group-a", "orders", 0), 0,
        new OffsetCommitValue().setOffset(42).setMetadata("").setCommitTimestamp(1700000000000L));
    offset(out, "offset v1 with expire timestamp", key1("group-a", "orders", 1), 1,
        new OffsetCommitValue().setOffset(43).setMetadata("some metadata").setCommitTimestamp(1700000000001L)
            .setExpireTimestamp(1700086400001L));
    offset(out, "offset v1 with expire timestamp -1", key1("group-a", "orders", 2), 1,
        new OffsetCommitValue().setOffset(0).setMetadata("").setCommitTimestamp(1700000000002L).setExpireTimestamp(-1));
    offset(out, "offset v2", key1("group-a", "payments", 0), 2,
        new OffsetCommitValue().setOffset(1000).setMetadata("v2 metadata").setCommitTimestamp(1700000000003L));
    offset(out, "offset v3 with leader epoch", key1("group-b", "orders", 3), 3,
        new OffsetCommitValue().setOffset(77).setLeaderEpoch(7).setMetadata("").setCommitTimestamp(1700000000004L));
    offset(out, "offset v3 without leader epoch (-1)", key1("group-b", "orders", 4), 3,
        new OffsetCommitValue().setOffset(78).setLeaderEpoch(-1).setMetadata("x").setCommitTimestamp(1700000000005L));
    offset(out, "offset v4 (flexible) with topic id tagged field", key1("group-c", "orders", 0), 4,
        new OffsetCommitValue().setOffset(123456789).setLeaderEpoch(12).setMetadata("métadonnées ✓")
            .setCommitTimestamp(1700000000006L).setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ")));
    offset(out, "offset v4 (flexible) without tagged fields", key1("group-c", "orders", 1), 4,
        new OffsetCommitValue().setOffset(5).setLeaderEpoch(0).setMetadata("").setCommitTimestamp(1700000000007L));
    OffsetCommitValue unknownTag = new OffsetCommitValue().setOffset(6).setLeaderEpoch(3).setMetadata("m")
        .setCommitTimestamp(1700000000008L).setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg"));
    unknownTag.unknownTaggedFields().add(new RawTaggedField(7, "future".getBytes(StandardCharsets.UTF_8)));
    unknownTag.unknownTaggedFields().add(new RawTaggedField(300, new byte[200]));
    offset(out, "offset v4 (flexible) with unknown tagged fields", key1("group-c", "orders", 2), 4, unknownTag);
    offset(out, "offset v4, long metadata (compact length > 1 varint byte)", key1("group-c", "orders", 3), 4,
        new OffsetCommitValue().setOffset(9).setLeaderEpoch(1).setMetadata("m".repeat(1000)).setCommitTimestamp(1700000000009L));
    offset(out, "offset v3, largest safe offset, largest partition, long names", key1(LONG_GROUP, LONG_TOPIC, Integer.MAX_VALUE), 3,
        new OffsetCommitValue().setOffset(9007199254740991L).setLeaderEpoch(Integer.MAX_VALUE).setMetadata("z".repeat(4000))
            .setCommitTimestamp(0));
    offset(out, "offset v3, non-ASCII group and topic, control bytes in metadata", key1("grüppe-日本-🚀", "tópico", 5), 3,
        new OffsetCommitValue().setOffset(-1).setLeaderEpoch(2).setMetadata("\u0000\u0001bin\u00ff\n")
            .setCommitTimestamp(-1));
    offset(out, "offset v1, empty group and topic", key1("", "", 0), 1,
        new OffsetCommitValue().setOffset(1).setMetadata("").setCommitTimestamp(1).setExpireTimestamp(2));

    // Key type 0 (LegacyOffsetCommitKey, same layout): Kafka 4.1 pairs it with LegacyOffsetCommitValue v0;
    // older brokers read any offset-commit value version after it, and so does the decoder.
    offset(out, "legacy key v0 with legacy value v0", key0("group-legacy", "orders", 0), 0,
        new LegacyOffsetCommitValue().setOffset(11).setMetadata("legacy").setCommitTimestamp(1400000000000L));
    offset(out, "legacy key v0 with value v1", key0("group-legacy", "orders", 1), 1,
        new OffsetCommitValue().setOffset(12).setMetadata("").setCommitTimestamp(1400000000001L).setExpireTimestamp(1400086400001L));
    offset(out, "legacy key v0 with value v3", key0("group-legacy", "orders", 2), 3,
        new OffsetCommitValue().setOffset(13).setLeaderEpoch(4).setMetadata("").setCommitTimestamp(1400000000002L));

    offset(out, "offset tombstone (key type 1)", key1("group-a", "orders", 0), -1, null);
    offset(out, "offset tombstone (key type 0)", key0("group-legacy", "orders", 0), -1, null);

    // Group metadata: key type 2 with every value version.
    byte[] sub = toArray(ConsumerProtocol.serializeSubscription(
        new Subscription(List.of("orders", "payments"), utf8("sticky-data"), List.of(new TopicPartition("orders", 0)), 4,
            Optional.of("rack-a")), (short) 3));
    byte[] asg = toArray(ConsumerProtocol.serializeAssignment(
        new Assignment(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
            new TopicPartition("payments", 2)), null), (short) 3));
    byte[] sub0 = toArray(ConsumerProtocol.serializeSubscription(new Subscription(List.of("orders")), (short) 0));
    byte[] asg0 = toArray(ConsumerProtocol.serializeAssignment(new Assignment(List.of(new TopicPartition("orders", 0))), (short) 0));

    group(out, "group v0, one member", "group-v0", 0, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(1).setProtocol("range").setLeader("m-1")
        .setMembers(List.of(member("m-1", null, "client-1", "/10.0.0.1", -1, 10000, sub0, asg0))));
    group(out, "group v1, rebalance timeout", "group-v1", 1, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(2).setProtocol("roundrobin").setLeader("m-1")
        .setMembers(List.of(member("m-1", null, "client-1", "/10.0.0.1", 300000, 10000, sub, asg))));
    group(out, "group v2, current state timestamp", "group-v2", 2, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(3).setProtocol("range").setLeader("m-2").setCurrentStateTimestamp(1700000000100L)
        .setMembers(List.of(
            member("m-1", null, "client-1", "/10.0.0.1", 300000, 45000, sub0, asg0),
            member("m-2", null, "client-2", "/10.0.0.2", 300000, 45000, sub, asg))));
    group(out, "group v2, current state timestamp -1", "group-v2b", 2, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(0).setProtocol("range").setLeader("m-1").setCurrentStateTimestamp(-1)
        .setMembers(List.of(member("m-1", null, "c", "/h", 1, 2, sub0, asg0))));
    group(out, "group v3, three members, static and dynamic, non-ASCII client ids", "group-v3", 3, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(17).setProtocol("cooperative-sticky").setLeader("client-1-0f5e")
        .setCurrentStateTimestamp(1700000000200L)
        .setMembers(List.of(
            member("client-1-0f5e", "instance-1", "клиент-1", "/192.168.1.10", 300000, 45000, sub, asg),
            member("client-2-a1b2", null, "客户端-2", "/192.168.1.11", 300000, 45000, sub0, asg0),
            member("client-3-🚀", "instance-é", "rdkafka", "/[::1]", 60000, 6000, new byte[0], new byte[0]))));
    group(out, "group v3, empty (no protocol, no leader, no members)", "group-empty-v3", 3, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(5).setProtocol(null).setLeader(null).setCurrentStateTimestamp(1700000000300L)
        .setMembers(List.of()));
    group(out, "group v0, empty", "group-empty-v0", 0, new GroupMetadataValue()
        .setProtocolType("").setGeneration(0).setProtocol(null).setLeader(null).setMembers(List.of()));
    group(out, "group v3, connect protocol type, opaque member data", "connect-cluster", 3, new GroupMetadataValue()
        .setProtocolType("connect").setGeneration(8).setProtocol("sessioned").setLeader("connect-1")
        .setCurrentStateTimestamp(1700000000400L)
        .setMembers(List.of(member("connect-1", null, "connect-1", "/10.1.1.1", 60000, 10000,
            new byte[] {0, 3, 0, 0, 0, 4, 'u', 'r', 'l', '!'}, new byte[] {(byte) 0xff, 0, 1}))));
    GroupMetadataValue flexible = new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(21).setProtocol("range").setLeader("m-1").setCurrentStateTimestamp(1700000000500L)
        .setMembers(new ArrayList<>(List.of(
            member("m-1", "static-1", "client-1", "/10.0.0.1", 300000, 45000, sub, asg),
            member("m-2", null, "client-ü", "/10.0.0.2", 300000, 45000, sub0, asg0))));
    group(out, "group v4 (flexible), two members", "group-v4", 4, flexible);
    GroupMetadataValue flexibleTags = new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(22).setProtocol("range").setLeader("m-1").setCurrentStateTimestamp(1700000000600L)
        .setMembers(new ArrayList<>(List.of(
            member("m-1", null, "client-1", "h".repeat(300), 300000, 45000, sub, asg))));
    flexibleTags.unknownTaggedFields().add(new RawTaggedField(0, utf8bytes("group-level tag")));
    flexibleTags.members().get(0).unknownTaggedFields().add(new RawTaggedField(1, new byte[] {1, 2, 3}));
    flexibleTags.members().get(0).unknownTaggedFields().add(new RawTaggedField(5000, new byte[130]));
    group(out, "group v4 (flexible), unknown tagged fields, long client host", "group-v4-tags", 4, flexibleTags);
    group(out, "group v4 (flexible), empty", "group-v4-empty", 4, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(0).setProtocol(null).setLeader(null).setCurrentStateTimestamp(-1)
        .setMembers(List.of()));
    group(out, "group v3, long group id and member ids", LONG_GROUP, 3, new GroupMetadataValue()
        .setProtocolType("consumer").setGeneration(Integer.MAX_VALUE).setProtocol("p".repeat(500)).setLeader("l".repeat(500))
        .setCurrentStateTimestamp(Long.MAX_VALUE >> 10)
        .setMembers(List.of(member("l".repeat(500), "i".repeat(500), "c".repeat(500), "/h", Integer.MAX_VALUE, Integer.MAX_VALUE,
            new byte[5000], new byte[0]))));
    group(out, "group tombstone", "group-v3", -1, null);

    // Record types the decoder skips: every other key type Kafka 4.1 writes (KIP-848 consumer groups,
    // share groups, streams groups), with a default value of the newest version, and one tombstone.
    for (CoordinatorRecordType type : CoordinatorRecordType.values()) {
      if (type.id() <= 2) continue;
      ApiMessage key = type.newRecordKey();
      ApiMessage value = type.newRecordValue();
      short version = type.highestSupportedVersion();
      byte[] valueBytes;
      try {
        valueBytes = MessageUtil.toVersionPrefixedBytes(version, value);
      } catch (RuntimeException e) {
        valueBytes = null;
      }
      ObjectNode c = record(out, "skipped key type " + type.id() + " (" + type + ")",
          MessageUtil.toCoordinatorTypePrefixedBytes(key), valueBytes);
      c.set("expected", skipped("unknown_key_version"));
    }
    ObjectNode tomb = record(out, "skipped key type 3 tombstone",
        MessageUtil.toCoordinatorTypePrefixedBytes(CoordinatorRecordType.fromId((short) 3).newRecordKey()), null);
    tomb.set("expected", skipped("unknown_key_version"));
    return out;
  }

  static ApiMessage key0(String group, String topic, int partition) {
    return new LegacyOffsetCommitKey().setGroup(group).setTopic(topic).setPartition(partition);
  }

  static ApiMessage key1(String group, String topic, int partition) {
    return new OffsetCommitKey().setGroup(group).setTopic(topic).setPartition(partition);
  }

  static MemberMetadata member(String id, String instance, String client, String host, int rebalance, int session,
      byte[] subscription, byte[] assignment) {
    return new MemberMetadata().setMemberId(id).setGroupInstanceId(instance).setClientId(client).setClientHost(host)
        .setRebalanceTimeout(rebalance).setSessionTimeout(session).setSubscription(subscription).setAssignment(assignment);
  }

  static void offset(ArrayNode out, String name, ApiMessage key, int version, ApiMessage value) {
    byte[] keyBytes = MessageUtil.toCoordinatorTypePrefixedBytes(key);
    byte[] valueBytes = value == null ? null : MessageUtil.toVersionPrefixedBytes((short) version, value);
    ObjectNode c = record(out, name, keyBytes, valueBytes);
    // Read back with Kafka's generated readers.
    ByteBuffer kb = ByteBuffer.wrap(keyBytes);
    kb.getShort();
    OffsetCommitKey k = new OffsetCommitKey(new ByteBufferAccessor(kb), (short) 0);
    ObjectNode e = F.objectNode();
    e.put("kind", "offset");
    e.put("group", k.group());
    e.put("topic", k.topic());
    e.put("partition", k.partition());
    if (valueBytes == null) {
      e.putNull("value");
    } else {
      ByteBuffer vb = ByteBuffer.wrap(valueBytes);
      short v = vb.getShort();
      OffsetCommitValue r = new OffsetCommitValue(new ByteBufferAccessor(vb), v);
      ObjectNode o = e.putObject("value");
      o.put("version", v);
      o.put("offset", r.offset());
      putSentinel(o, "leaderEpoch", r.leaderEpoch());
      o.put("metadata", r.metadata());
      o.put("commitTimestamp", r.commitTimestamp());
      putSentinel(o, "expireTimestamp", r.expireTimestamp());
    }
    c.set("expected", e);
  }

  static void group(ArrayNode out, String name, String groupId, int version, GroupMetadataValue value) {
    byte[] keyBytes = MessageUtil.toCoordinatorTypePrefixedBytes(new GroupMetadataKey().setGroup(groupId));
    byte[] valueBytes = value == null ? null : MessageUtil.toVersionPrefixedBytes((short) version, value);
    ObjectNode c = record(out, name, keyBytes, valueBytes);
    ByteBuffer kb = ByteBuffer.wrap(keyBytes);
    kb.getShort();
    GroupMetadataKey k = new GroupMetadataKey(new ByteBufferAccessor(kb), (short) 0);
    ObjectNode e = F.objectNode();
    e.put("kind", "group");
    e.put("group", k.group());
    if (valueBytes == null) {
      e.putNull("value");
    } else {
      ByteBuffer vb = ByteBuffer.wrap(valueBytes);
      short v = vb.getShort();
      GroupMetadataValue r = new GroupMetadataValue(new ByteBufferAccessor(vb), v);
      ObjectNode g = e.putObject("value");
      g.put("version", v);
      g.put("protocolType", r.protocolType());
      g.put("generation", r.generation());
      g.put("protocol", r.protocol());
      g.put("leader", r.leader());
      putSentinel(g, "currentStateTimestamp", r.currentStateTimestamp());
      ArrayNode members = g.putArray("members");
      for (MemberMetadata m : r.members()) {
        ObjectNode j = members.addObject();
        j.put("memberId", m.memberId());
        j.put("groupInstanceId", m.groupInstanceId());
        j.put("clientId", m.clientId());
        j.put("clientHost", m.clientHost());
        if (v >= 1) j.put("rebalanceTimeout", m.rebalanceTimeout());
        else j.putNull("rebalanceTimeout");
        j.put("sessionTimeout", m.sessionTimeout());
        j.put("subscription", HEX.formatHex(m.subscription()));
        j.put("assignment", HEX.formatHex(m.assignment()));
      }
    }
    c.set("expected", e);
  }

  static ObjectNode record(ArrayNode out, String name, byte[] key, byte[] value) {
    ObjectNode c = out.addObject();
    c.put("name", name);
    c.put("key", HEX.formatHex(key));
    if (value == null) c.putNull("value");
    else c.put("value", HEX.formatHex(value));
    try {
      SERDE.deserialize(ByteBuffer.wrap(key), value == null ? null : ByteBuffer.wrap(value));
      c.put("kafkaSerde", "accepted");
    } catch (RuntimeException e) {
      c.put("kafkaSerde", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return c;
  }

  static ObjectNode skipped(String reason) {
    ObjectNode e = F.objectNode();
    e.put("kind", "skipped");
    e.put("reason", reason);
    return e;
  }

  /** Kafka's "absent" sentinel (−1) → null, as the coordinator reads it (OffsetAndMetadata.fromRecord). */
  static void putSentinel(ObjectNode o, String field, long value) {
    if (value == -1) o.putNull(field);
    else o.put(field, value);
  }

  // ---------------------------------------------------------------- consumer embedded protocol

  static ArrayNode subscriptions() {
    ArrayNode out = F.arrayNode();
    List<TopicPartition> owned = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 2),
        new TopicPartition("payments", 1));
    // Through ConsumerProtocol (what the Java consumer sends), each version.
    for (short v = 0; v <= 3; v++) {
      subscription(out, "ConsumerProtocol v" + v + ", user data null",
          ConsumerProtocol.serializeSubscription(new Subscription(List.of("orders", "payments"), null, owned, 3,
              Optional.of("rack-1")), v));
      subscription(out, "ConsumerProtocol v" + v + ", text user data",
          ConsumerProtocol.serializeSubscription(new Subscription(List.of("orders"), utf8("hello ✓"), owned, 3,
              Optional.empty()), v));
    }
    // Through the generated message, for edge values.
    subscription(out, "v0, no topics, empty (non-null) user data",
        prefixed(0, new ConsumerProtocolSubscription().setTopics(List.of()).setUserData(ByteBuffer.allocate(0))));
    subscription(out, "v1, binary user data",
        prefixed(1, new ConsumerProtocolSubscription().setTopics(List.of("a", "b", "c"))
            .setUserData(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}))));
    subscription(out, "v2, non-ASCII topic names, generation id",
        prefixed(2, new ConsumerProtocolSubscription().setTopics(List.of("tópico", "主题", "🚀")).setGenerationId(99)
            .setUserData(null)));
    ConsumerProtocolSubscription.TopicPartitionCollection ownedCollection = new ConsumerProtocolSubscription.TopicPartitionCollection();
    ownedCollection.add(new ConsumerProtocolSubscription.TopicPartition().setTopic("x").setPartitions(List.of(0, 1, 2)));
    subscription(out, "v3, rack id, owned partitions, long topic names",
        prefixed(3, new ConsumerProtocolSubscription().setTopics(List.of(LONG_TOPIC, "x")).setOwnedPartitions(ownedCollection)
            .setGenerationId(7).setRackId("us-east-1a").setUserData(ByteBuffer.wrap(utf8bytes("u".repeat(2000))))));
    return out;
  }

  static ArrayNode assignments() {
    ArrayNode out = F.arrayNode();
    List<TopicPartition> partitions = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 2),
        new TopicPartition("payments", 1));
    for (short v = 0; v <= 3; v++) {
      assignment(out, "ConsumerProtocol v" + v + ", user data null",
          ConsumerProtocol.serializeAssignment(new Assignment(partitions, null), v));
      assignment(out, "ConsumerProtocol v" + v + ", binary user data",
          ConsumerProtocol.serializeAssignment(new Assignment(partitions.subList(0, 1),
              ByteBuffer.wrap(new byte[] {0, 0, 0, 1, (byte) 0x80})), v));
    }
    assignment(out, "v0, nothing assigned, empty (non-null) user data",
        prefixed(0, new ConsumerProtocolAssignment().setUserData(ByteBuffer.allocate(0))));
    ConsumerProtocolAssignment.TopicPartitionCollection many = new ConsumerProtocolAssignment.TopicPartitionCollection();
    many.add(new ConsumerProtocolAssignment.TopicPartition().setTopic("主题").setPartitions(List.of(5, 3, 1)));
    many.add(new ConsumerProtocolAssignment.TopicPartition().setTopic("empty").setPartitions(List.of()));
    many.add(new ConsumerProtocolAssignment.TopicPartition().setTopic(LONG_TOPIC).setPartitions(List.of(Integer.MAX_VALUE, 0)));
    assignment(out, "v3, unsorted partitions, a topic without partitions, text user data",
        prefixed(3, new ConsumerProtocolAssignment().setAssignedPartitions(many).setUserData(utf8("assignor-state"))));
    return out;
  }

  static void subscription(ArrayNode out, String name, ByteBuffer bytes) {
    byte[] b = toArray(bytes);
    ConsumerProtocolSubscription s = ConsumerProtocol.deserializeConsumerProtocolSubscription(ByteBuffer.wrap(b));
    ObjectNode c = out.addObject();
    c.put("name", name);
    c.put("bytes", HEX.formatHex(b));
    ObjectNode e = c.putObject("expected");
    e.put("version", ByteBuffer.wrap(b).getShort());
    ArrayNode topics = e.putArray("topics");
    s.topics().forEach(topics::add);
    putBytes(e, "userData", s.userData());
  }

  static void assignment(ArrayNode out, String name, ByteBuffer bytes) {
    byte[] b = toArray(bytes);
    ConsumerProtocolAssignment a = ConsumerProtocol.deserializeConsumerProtocolAssignment(ByteBuffer.wrap(b));
    ObjectNode c = out.addObject();
    c.put("name", name);
    c.put("bytes", HEX.formatHex(b));
    ObjectNode e = c.putObject("expected");
    e.put("version", ByteBuffer.wrap(b).getShort());
    ArrayNode tps = e.putArray("topicPartitions");
    for (ConsumerProtocolAssignment.TopicPartition tp : a.assignedPartitions()) {
      ObjectNode j = tps.addObject();
      j.put("topic", tp.topic());
      ArrayNode ps = j.putArray("partitions");
      tp.partitions().forEach(ps::add);
    }
    putBytes(e, "userData", a.userData());
  }

  static void putBytes(ObjectNode o, String field, ByteBuffer value) {
    if (value == null) o.putNull(field);
    else o.put(field, HEX.formatHex(toArray(value)));
  }

  static ByteBuffer prefixed(int version, org.apache.kafka.common.protocol.Message message) {
    return ByteBuffer.wrap(MessageUtil.toVersionPrefixedBytes((short) version, message));
  }

  static byte[] toArray(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  static byte[] utf8bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(utf8bytes(s));
  }
}
