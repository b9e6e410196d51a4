// The offset a successful delivery report is answered with: the record's, or −1 when librdkafka does not
// know it (as with acks 0, SPEC §4.7; the Java client's RecordMetadata says −1 likewise).
//
// librdkafka numbers a Kafka batch's records from the base offset the broker answered: base, base + 1, …
// For a retried batch the broker answers DUPLICATE_SEQUENCE_NUMBER (the first attempt was written), it
// reports success from base −1: −1, 0, 1, … are offsets of other records (librdkafka 2.12, its mock broker
// answering a batch of 4 after offsets 0–2 so: reported −1, 0, 1, 2). Records it takes as written because a
// later batch was acknowledged keep −1001.
// So a report is not the record's offset when negative, or when exactly one above the previous report of its
// partition that was not. A genuine one never is: the records reported −1 … n − 2 lie at g … g + n − 1
// (g ≥ 0), so the partition's next batch starts at n or above.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace kastlex {

constexpr int64_t kUnknownOffset = -1;

class OffsetRuns {
 public:
  // The record's offset, or kUnknownOffset; a partition's reports must come in librdkafka's order.
  int64_t Answer(const char* topic, int32_t partition, int64_t reported) {
    // The usual case costs no lookup: no partition is in a run of unknown offsets.
    if (reported >= 0 && unknown_runs_.empty()) return reported;
    const auto key = std::make_pair(std::string(topic), partition);
    auto run = unknown_runs_.find(key);
    if (reported >= 0 && (run == unknown_runs_.end() || reported != run->second + 1)) {
      if (run != unknown_runs_.end()) unknown_runs_.erase(run);
      return reported;
    }
    unknown_runs_[key] = reported;
    return kUnknownOffset;
  }

 private:
  // Per partition whose latest report was not the record's offset: that report, until one is.
  std::map<std::pair<std::string, int32_t>, int64_t> unknown_runs_;
};

}  // namespace kastlex
