// A query requester that speaks the datablox wire format (runtime/core/wire.h)
// by itself, so that it can ask either a running element's query-in port or
// the raw baseline server, and time each round trip the same way.
//
//   request  [1][5][u64 id, little-endian][msgpack map]
//   reply    [1][6][u64 id][msgpack map]       (or [1][7][id][text]: an error)
//
// One request at a time over a DEALER with a routing id; after WARMUP round
// trips, COUNT are timed. Prints one JSON object with the percentiles, in
// microseconds.
//
//   bench_query_client --endpoint tcp://127.0.0.1:PORT [--count 20000] [--warmup 2000]
#include <msgpack.hpp>
#include <zmq.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint8_t kVersion = 2;  // runtime/core/wire.h
constexpr uint8_t kRequest = 5, kReply = 6, kError = 7;

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint;
  long count = 20000, warmup = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--endpoint") endpoint = argv[i + 1];
    else if (a == "--count") count = std::max(1L, std::atol(argv[i + 1]));
    else if (a == "--warmup") warmup = std::max(0L, std::atol(argv[i + 1]));
  }
  if (endpoint.empty()) {
    std::fprintf(stderr, "usage: %s --endpoint ENDPOINT [--count N] [--warmup N]\n", argv[0]);
    return 2;
  }

  // The request log: a small map, as an element would send it.
  msgpack::sbuffer body;
  {
    msgpack::packer<msgpack::sbuffer> packer(body);
    packer.pack_map(1);
    packer.pack(std::string_view("want"));
    packer.pack(std::string_view("count"));
  }

  zmq::context_t zmq(1);
  zmq::socket_t dealer(zmq, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::routing_id, "bench-query-client:" + std::to_string(::getpid()));
  dealer.set(zmq::sockopt::linger, 0);
  dealer.connect(endpoint);

  std::vector<double> us;
  us.reserve(static_cast<size_t>(count));
  std::string frame(2 + 8 + body.size(), '\0');
  frame[0] = static_cast<char>(kVersion);
  frame[1] = static_cast<char>(kRequest);
  std::memcpy(frame.data() + 10, body.data(), body.size());
  uint64_t errors = 0, reply_bytes = 0, last_count = 0;
  zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};

  for (long n = 0; n < warmup + count; ++n) {
    const uint64_t id = static_cast<uint64_t>(n) + 1;
    std::memcpy(frame.data() + 2, &id, 8);  // little-endian hosts only, as the runtime
    auto t0 = Clock::now();
    dealer.send(zmq::buffer(frame), zmq::send_flags::none);
    zmq::message_t reply;
    while (true) {
      if (zmq::poll(&item, 1, std::chrono::milliseconds(5000)) == 0) {
        std::fprintf(stderr, "no reply to request %llu within 5 s\n", (unsigned long long)id);
        return 1;
      }
      if (!dealer.recv(reply, zmq::recv_flags::none)) continue;
      break;
    }
    auto t1 = Clock::now();
    const auto* bytes = static_cast<const uint8_t*>(reply.data());
    uint64_t got = 0;
    if (reply.size() < 10 || bytes[0] != kVersion || (bytes[1] != kReply && bytes[1] != kError)) {
      std::fprintf(stderr, "malformed reply to request %llu\n", (unsigned long long)id);
      return 1;
    }
    std::memcpy(&got, bytes + 2, 8);
    if (got != id) {
      std::fprintf(stderr, "reply to %llu carries id %llu\n", (unsigned long long)id, (unsigned long long)got);
      return 1;
    }
    if (bytes[1] == kError) {
      ++errors;
    } else {
      // Read the reply the way a requester would: decode it, take "count".
      msgpack::object_handle handle = msgpack::unpack(reinterpret_cast<const char*>(bytes + 10), reply.size() - 10);
      const msgpack::object& log = handle.get();
      if (log.type == msgpack::type::MAP) {
        for (uint32_t k = 0; k < log.via.map.size; ++k) {
          const auto& kv = log.via.map.ptr[k];
          if (kv.key.type == msgpack::type::STR && kv.key.via.str.size == 5 &&
              std::memcmp(kv.key.via.str.ptr, "count", 5) == 0 && kv.val.type == msgpack::type::POSITIVE_INTEGER) {
            last_count = kv.val.via.u64;
          }
        }
      }
    }
    reply_bytes = reply.size();
    if (n >= warmup) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }

  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double v : us) sum += v;
  std::printf(
      "{\"count\": %zu, \"errors\": %llu, \"request_bytes\": %zu, \"reply_bytes\": %llu, \"last_count\": %llu, "
      "\"p50_us\": %.2f, \"p90_us\": %.2f, \"p99_us\": %.2f, \"p999_us\": %.2f, \"min_us\": %.2f, \"max_us\": %.2f, "
      "\"mean_us\": %.2f}\n",
      us.size(), (unsigned long long)errors, frame.size(), (unsigned long long)reply_bytes,
      (unsigned long long)last_count, Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99),
      Percentile(sorted, 0.999), sorted.front(), sorted.back(), sum / static_cast<double>(us.size()));
  return errors == 0 ? 0 : 1;
}
