// The load the caretaker and the status show (sent every kStatsPeriod, and
// with the last word), and the counting of input that is dropped: malformed
// (the wire's or a log's fault) or rejected (the element's or the schema's
// verdict), each logged at most once a second.
#include <spdlog/spdlog.h>

#include "runtime/host/element_host.h"

namespace datablox::host {

namespace {

int64_t MonotonicMs() { return std::chrono::duration_cast<Milliseconds>(Clock::now().time_since_epoch()).count(); }

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int64_t UnixMs() {
  return std::chrono::duration_cast<Milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Json ElementHost::Stats() const {
  Json links = Json::array();
  for (const OutLink* link : all_out_links_) {
    links.push_back({{"id", link->id},
                     {"sent", link->state.sent()},
                     {"acked", link->state.acked()},
                     {"in_flight", link->state.in_flight()},
                     {"peak_in_flight", link->state.peak_in_flight()},
                     {"replayed_batches", link->state.replayed_batches()},
                     {"window", link->state.window()}});
  }
  Json handlers = Json::object();
  for (const auto& [name, handler] : handlers_) {
    if (handler.read) handlers[name] = handler.read();
  }
  return {{"time_ms", MonotonicMs()},
          {"logs_in", logs_in_},
          {"logs_out", logs_out_},
          {"batches_in", batches_in_},
          {"batches_out", batches_out_},
          {"malformed", malformed_},
          {"rejected", rejected_},
          {"dropped_unconnected", dropped_unconnected_},
          {"queries_in", queries_in_},
          {"queries_out", queries_out_},
          {"query_errors", query_errors_},
          {"replies_late", replies_late_},
          {"duplicates_dropped", duplicates_},
          {"stale_dropped", stale_},
          {"unannounced_dropped", unannounced_},
          {"resumes", resumes_},
          {"undeliverable", undeliverable_},
          {"reroutes_stale", reroutes_stale_},
          {"started_unix_ms", started_unix_ms_},
          {"first_in_unix_ms", first_in_unix_ms_},
          {"blocked_ms", Ms(blocked_)},
          {"busy_ms", Ms(busy_)},
          {"uptime_ms", Ms(Clock::now() - started_)},
          {"out_links", links},
          {"checkpoints", CheckpointStats()},
          {"handlers", handlers}};
}

void ElementHost::Malformed(std::string_view where, const Status& why) {
  ++malformed_;
  Clock::time_point now = Clock::now();
  if (now - last_malformed_log_ > std::chrono::seconds(1)) {  // rate-limited: a flood must not flood the log
    last_malformed_log_ = now;
    spdlog::warn("[{}] dropped a malformed message on '{}': {} ({} so far)", plan_.name, where, why.message(),
                 malformed_);
  }
}

void ElementHost::Reject(std::string_view why) {
  ++rejected_;
  Clock::time_point now = Clock::now();
  if (now - last_malformed_log_ > std::chrono::seconds(1)) {
    last_malformed_log_ = now;
    spdlog::warn("[{}] rejected: {} ({} so far)", plan_.name, why, rejected_);
  }
}

}  // namespace datablox::host
