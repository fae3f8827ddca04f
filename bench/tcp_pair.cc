// The Nexus baseline: one plain TCP stream on loopback, with nothing around
// it. The process listens on 127.0.0.1 (a free port), forks a sender that
// connects and writes --bytes from one buffer in --chunk writes, and reads
// them to EOF into a buffer of the same size, touching nothing (as the Nexus
// bench's consumer touches nothing). Prints one JSON object: bytes, seconds
// (accept to EOF), mb_per_s (MB = 1e6 bytes).
//
//   bench_tcp_pair [--bytes N] [--chunk N]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int64_t NowNs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::exit(1);
}

void Send(uint16_t port, uint64_t bytes, size_t chunk) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("connect");
  std::vector<char> buffer(chunk);
  for (size_t i = 0; i < chunk; ++i) buffer[i] = static_cast<char>('a' + i % 26);
  uint64_t left = bytes;
  while (left > 0) {
    size_t n = left < chunk ? left : chunk;
    const char* p = buffer.data();
    while (n > 0) {
      const ssize_t w = ::write(fd, p, n);
      if (w <= 0) Die("write");
      p += w;
      n -= static_cast<size_t>(w);
      left -= static_cast<uint64_t>(w);
    }
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t bytes = 1ull << 30;
  size_t chunk = 1 << 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--bytes") == 0) bytes = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--chunk") == 0) chunk = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: bench_tcp_pair [--bytes N] [--chunk N]\n");
      return 64;
    }
  }
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("bind");
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  if (::listen(listener, 1) != 0) Die("listen");
  const pid_t sender = ::fork();
  if (sender < 0) Die("fork");
  if (sender == 0) {
    ::close(listener);
    Send(ntohs(addr.sin_port), bytes, chunk);
    std::_Exit(0);
  }
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) Die("accept");
  const int64_t start = NowNs();
  std::vector<char> buffer(chunk);
  uint64_t received = 0;
  for (;;) {
    const ssize_t r = ::read(fd, buffer.data(), buffer.size());
    if (r < 0) Die("read");
    if (r == 0) break;
    received += static_cast<uint64_t>(r);
  }
  const double seconds = (NowNs() - start) / 1e9;
  int status = 0;
  ::waitpid(sender, &status, 0);
  std::printf("{\"bytes\": %lu, \"seconds\": %.6f, \"mb_per_s\": %.1f, \"complete\": %s}\n", received, seconds,
              received / 1e6 / seconds, received == bytes && status == 0 ? "true" : "false");
  return received == bytes ? 0 : 1;
}
