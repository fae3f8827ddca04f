// The push baseline: what ZeroMQ and msgpack-c do on their own, with none of
// the framework around them.
//
// One coordinator process forks a consumer (binds a PULL socket on loopback)
// and a producer (connects a PUSH socket), both with their own ZeroMQ
// context. The producer packs BATCH logs {"seq": i, "pad": "xxx..."} per
// message with msgpack-c (an array of maps); the consumer unpacks every
// message and reads "seq" from every log. An empty message ends the stream.
// The coordinator samples both processes' resident memory from /proc and
// prints one JSON object.
//
//   bench_raw_push --count N [--pad 80] [--batch 100] [--hwm 1000]
//                  [--consumer-rate LOGS_PER_S] [--timeout S] [--no-decode]
//
// --hwm 0 makes both queues unbounded (no backpressure at all);
// --consumer-rate paces the consumer (a slow consumer); --timeout kills the
// pair after S seconds (the result then says "completed": false);
// --no-decode has the consumer count messages without unpacking them (the
// bare transport, for reference).
#include <msgpack.hpp>
#include <zmq.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

namespace {

struct Options {
  uint64_t count = 10'000'000;
  int pad = 80;
  int batch = 100;
  int hwm = 1000;            // ZeroMQ's default
  double consumer_rate = 0;  // logs/s, 0: as fast as possible
  bool decode = true;        // false: count messages only (the bare transport)
  double timeout_s = 0;      // 0: none (a safety limit of 600 s still applies)
};

int64_t NowNs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

uint64_t ResidentBytes(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

void WriteAll(int fd, const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// Reads one '\n'-terminated line from fd, or "" on end of file / timeout.
std::string ReadLine(int fd, int timeout_ms) {
  std::string line;
  char c;
  int64_t deadline = NowNs() + int64_t{timeout_ms} * 1'000'000;
  while (NowNs() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::read(fd, &c, 1);
    if (n <= 0) break;
    if (c == '\n') return line;
    line.push_back(c);
  }
  return line;
}

void FreeBuffer(void* data, void*) { std::free(data); }

// ---------------------------------------------------------------- consumer

[[noreturn]] void Consumer(const Options& o, int endpoint_fd, int result_fd) {
  zmq::context_t zmq(1);
  zmq::socket_t pull(zmq, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, o.hwm);
  pull.set(zmq::sockopt::linger, 0);
  pull.bind("tcp://127.0.0.1:*");
  WriteAll(endpoint_fd, pull.get(zmq::sockopt::last_endpoint) + "\n");
  ::close(endpoint_fd);

  uint64_t logs = 0, messages = 0, seq_sum = 0, missing_seq = 0;
  int64_t first_ns = 0, last_ns = 0;
  while (true) {
    zmq::message_t message;
    if (!pull.recv(message, zmq::recv_flags::none)) continue;
    if (message.size() == 0) break;  // end of stream
    if (first_ns == 0) first_ns = NowNs();
    if (!o.decode) {  // trust the producer's batch size: the transport alone
      const uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(o.batch), o.count - logs);
      seq_sum += (logs + n) * (logs + n - 1) / 2 - (logs > 0 ? logs * (logs - 1) / 2 : 0);
      logs += n;
      ++messages;
      last_ns = NowNs();
      continue;
    }
    msgpack::object_handle handle = msgpack::unpack(static_cast<const char*>(message.data()), message.size());
    const msgpack::object& batch = handle.get();
    if (batch.type != msgpack::type::ARRAY) std::abort();
    for (uint32_t i = 0; i < batch.via.array.size; ++i) {
      const msgpack::object& log = batch.via.array.ptr[i];
      if (log.type != msgpack::type::MAP) std::abort();
      bool found = false;
      for (uint32_t k = 0; k < log.via.map.size; ++k) {
        const msgpack::object_kv& kv = log.via.map.ptr[k];
        if (kv.key.type == msgpack::type::STR && kv.key.via.str.size == 3 &&
            std::memcmp(kv.key.via.str.ptr, "seq", 3) == 0) {
          seq_sum += kv.val.as<uint64_t>();
          found = true;
          break;
        }
      }
      missing_seq += !found;
      ++logs;
    }
    ++messages;
    last_ns = NowNs();
    if (o.consumer_rate > 0) {  // a slow consumer: log n is done no earlier than first + n / rate
      int64_t due = first_ns + static_cast<int64_t>(static_cast<double>(logs) / o.consumer_rate * 1e9);
      int64_t wait = due - NowNs();
      if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
    }
  }
  char text[256];
  std::snprintf(text, sizeof text, "%llu %llu %llu %llu %lld %lld\n", (unsigned long long)logs,
                (unsigned long long)messages, (unsigned long long)seq_sum, (unsigned long long)missing_seq,
                (long long)first_ns, (long long)last_ns);
  WriteAll(result_fd, text);
  ::_exit(0);
}

// ---------------------------------------------------------------- producer

[[noreturn]] void Producer(const Options& o, const std::string& endpoint, int result_fd) {
  zmq::context_t zmq(1);
  zmq::socket_t push(zmq, zmq::socket_type::push);
  push.set(zmq::sockopt::sndhwm, o.hwm);
  push.set(zmq::sockopt::linger, -1);  // close waits for everything to be delivered
  push.connect(endpoint);
  WriteAll(result_fd, "ready\n");

  const std::string pad(static_cast<size_t>(o.pad), 'x');
  int64_t start_ns = NowNs();
  uint64_t sent = 0;
  while (sent < o.count) {
    const uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(o.batch), o.count - sent);
    msgpack::sbuffer buffer(static_cast<size_t>(n) * (static_cast<size_t>(o.pad) + 24) + 8);
    msgpack::packer<msgpack::sbuffer> packer(buffer);
    packer.pack_array(static_cast<uint32_t>(n));
    for (uint64_t i = 0; i < n; ++i) {
      packer.pack_map(2);
      packer.pack(std::string_view("seq"));
      packer.pack(sent + i);
      packer.pack(std::string_view("pad"));
      packer.pack(std::string_view(pad));
    }
    const size_t size = buffer.size();
    zmq::message_t message(buffer.release(), size, FreeBuffer, nullptr);  // handed over, not copied
    push.send(message, zmq::send_flags::none);
    sent += n;
  }
  push.send(zmq::message_t(), zmq::send_flags::none);
  int64_t sent_ns = NowNs();
  push.close();
  zmq.close();  // terminating the context waits (linger -1) until the consumer has it all
  char text[128];
  std::snprintf(text, sizeof text, "%lld %lld\n", (long long)start_ns, (long long)sent_ns);
  WriteAll(result_fd, text);
  ::_exit(0);
}

pid_t Fork(int close_on_child = -1) {
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the coordinator
    if (::getppid() != parent) ::_exit(3);
    if (close_on_child >= 0) ::close(close_on_child);
  }
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--count") o.count = std::strtoull(next(), nullptr, 10);
    else if (a == "--pad") o.pad = std::atoi(next());
    else if (a == "--batch") o.batch = std::max(1, std::atoi(next()));
    else if (a == "--hwm") o.hwm = std::atoi(next());
    else if (a == "--consumer-rate") o.consumer_rate = std::atof(next());
    else if (a == "--timeout") o.timeout_s = std::atof(next());
    else if (a == "--no-decode") o.decode = false;
    else {
      std::fprintf(
          stderr,
          "usage: %s --count N [--pad P] [--batch B] [--hwm H] [--consumer-rate R] [--timeout S] [--no-decode]\n",
          argv[0]);
      return 2;
    }
  }

  int endpoint_pipe[2], consumer_pipe[2], producer_pipe[2];
  if (::pipe(endpoint_pipe) || ::pipe(consumer_pipe) || ::pipe(producer_pipe)) return 1;
  const int64_t began_ns = NowNs();

  pid_t consumer = Fork();
  if (consumer == 0) {
    ::close(endpoint_pipe[0]);
    ::close(consumer_pipe[0]);
    ::close(producer_pipe[0]);
    ::close(producer_pipe[1]);
    Consumer(o, endpoint_pipe[1], consumer_pipe[1]);
  }
  ::close(endpoint_pipe[1]);
  ::close(consumer_pipe[1]);
  std::string endpoint = ReadLine(endpoint_pipe[0], 10000);
  ::close(endpoint_pipe[0]);
  if (endpoint.empty()) {
    std::fprintf(stderr, "the consumer did not bind\n");
    ::kill(consumer, SIGKILL);
    ::waitpid(consumer, nullptr, 0);
    return 1;
  }

  pid_t producer = Fork();
  if (producer == 0) {
    ::close(producer_pipe[0]);
    ::close(consumer_pipe[0]);
    Producer(o, endpoint, producer_pipe[1]);
  }
  ::close(producer_pipe[1]);

  // Watch memory while the pair runs.
  std::string ready = ReadLine(producer_pipe[0], 10000);
  uint64_t producer_rss_start = ResidentBytes(producer), consumer_rss_start = ResidentBytes(consumer);
  uint64_t producer_rss_max = producer_rss_start, consumer_rss_max = consumer_rss_start;
  bool producer_done = false, consumer_done = false, timed_out = false;
  int producer_status = 0, consumer_status = 0;
  while (!(producer_done && consumer_done)) {
    if (!producer_done) producer_rss_max = std::max(producer_rss_max, ResidentBytes(producer));
    if (!consumer_done) consumer_rss_max = std::max(consumer_rss_max, ResidentBytes(consumer));
    if (!producer_done && ::waitpid(producer, &producer_status, WNOHANG) == producer) producer_done = true;
    if (!consumer_done && ::waitpid(consumer, &consumer_status, WNOHANG) == consumer) consumer_done = true;
    const double limit_s = o.timeout_s > 0 ? o.timeout_s : 600;
    if (!timed_out && NowNs() - began_ns > static_cast<int64_t>(limit_s * 1e9)) {
      timed_out = true;
      if (!producer_done) ::kill(producer, SIGKILL);
      if (!consumer_done) ::kill(consumer, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int64_t ended_ns = NowNs();

  std::string consumer_line = timed_out ? "" : ReadLine(consumer_pipe[0], 1000);
  std::string producer_line = timed_out ? "" : ReadLine(producer_pipe[0], 1000);
  unsigned long long logs = 0, messages = 0, seq_sum = 0, missing = 0;
  long long first_ns = 0, last_ns = 0, start_ns = 0, sent_ns = 0;
  std::sscanf(consumer_line.c_str(), "%llu %llu %llu %llu %lld %lld", &logs, &messages, &seq_sum, &missing, &first_ns,
              &last_ns);
  std::sscanf(producer_line.c_str(), "%lld %lld", &start_ns, &sent_ns);
  const bool completed = !timed_out && logs == o.count && missing == 0 && ready == "ready";
  const double steady_s = (last_ns - first_ns) / 1e9;
  const double e2e_s = (ended_ns - began_ns) / 1e9;
  const unsigned long long expected_sum = (unsigned long long)(o.count) * (o.count - 1) / 2;
  std::printf(
      "{\"completed\": %s, \"count\": %llu, \"logs\": %llu, \"messages\": %llu, \"seq_ok\": %s, "
      "\"decode\": %s, \"pad\": %d, \"batch\": %d, \"hwm\": %d, \"consumer_rate\": %.0f, "
      "\"steady_s\": %.6f, \"e2e_s\": %.6f, \"steady_logs_per_s\": %.0f, \"e2e_logs_per_s\": %.0f, "
      "\"producer_rss_start\": %llu, \"producer_rss_max\": %llu, \"consumer_rss_start\": %llu, \"consumer_rss_max\": "
      "%llu}\n",
      completed ? "true" : "false", (unsigned long long)o.count, logs, messages,
      completed && seq_sum == expected_sum ? "true" : "false", o.decode ? "true" : "false", o.pad, o.batch, o.hwm,
      o.consumer_rate, steady_s, e2e_s, steady_s > 0 ? logs / steady_s : 0.0,
      completed && e2e_s > 0 ? logs / e2e_s : 0.0, (unsigned long long)producer_rss_start,
      (unsigned long long)producer_rss_max, (unsigned long long)consumer_rss_start,
      (unsigned long long)consumer_rss_max);
  return completed || o.timeout_s > 0 ? 0 : 1;
}
