// The query baseline: a bare ROUTER that answers the datablox request frame
// the way Counter does, without the framework. It decodes the request's
// msgpack map, encodes {"count": N} and sends it back with the request's id.
// Prints its endpoint on the first line of stdout, then serves until killed
// (SIGTERM).
//
//   bench_raw_query_server
#include <msgpack.hpp>
#include <zmq.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

int main() {
  constexpr uint8_t kVersion = 2, kRequest = 5, kReply = 6, kError = 7;
  zmq::context_t zmq(1);
  zmq::socket_t router(zmq, zmq::socket_type::router);
  router.set(zmq::sockopt::router_mandatory, 1);
  router.set(zmq::sockopt::linger, 0);
  router.bind("tcp://127.0.0.1:*");
  std::printf("%s\n", router.get(zmq::sockopt::last_endpoint).c_str());
  std::fflush(stdout);

  uint64_t answered = 0;
  msgpack::sbuffer reply;
  while (true) {
    zmq::message_t peer, frame;
    if (!router.recv(peer, zmq::recv_flags::none)) continue;
    if (!peer.more()) continue;
    if (!router.recv(frame, zmq::recv_flags::none)) continue;
    const auto* bytes = static_cast<const uint8_t*>(frame.data());
    if (frame.size() < 10 || bytes[0] != kVersion || bytes[1] != kRequest) continue;
    reply.clear();
    const char header[2] = {static_cast<char>(kVersion), static_cast<char>(kReply)};
    reply.write(header, 2);
    reply.write(reinterpret_cast<const char*>(bytes + 2), 8);  // the request id
    msgpack::object_handle request = msgpack::unpack(reinterpret_cast<const char*>(bytes + 10), frame.size() - 10);
    if (request.get().type != msgpack::type::MAP) {
      reply.clear();
      const char error[2] = {static_cast<char>(kVersion), static_cast<char>(kError)};
      reply.write(error, 2);
      reply.write(reinterpret_cast<const char*>(bytes + 2), 8);
      reply.write("not a map", 9);
    } else {
      msgpack::packer<msgpack::sbuffer> packer(reply);
      packer.pack_map(1);
      packer.pack(std::string_view("count"));
      packer.pack(++answered);
    }
    try {
      router.send(peer, zmq::send_flags::sndmore);
      router.send(zmq::buffer(reply.data(), reply.size()), zmq::send_flags::none);
    } catch (const zmq::error_t&) {
      // the requester is gone
    }
  }
}
