// Writing msgpack into a std::string, shared by the log codec and the
// Python bindings. msgpack-c's packer is used where it is right; floats,
// strings and small ints are written here (see each).
#pragma once

#include <cstdint>
#include <cstring>
#include <msgpack.hpp>
#include <string>
#include <string_view>

namespace datablox::msgpack_write {

// msgpack::packer's sink: appends to a std::string.
struct StringSink {
  std::string* out;
  void write(const char* data, size_t size) { out->append(data, size); }
};
using Packer = msgpack::packer<StringSink>;

// msgpack-c 4.1's pack_double writes an integral double (3.0) as an int,
// which would turn a float field into an int on the wire and break float
// schemas. Floats are always written as float64 here.
inline void PackFloat64(std::string& out, double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  char bytes[9];
  bytes[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  out.append(bytes, 9);
}

// String headers and small ints written directly: the hot path of every
// source, where a packer per call cost more than the bytes it writes.
inline void PackStr(std::string& out, std::string_view text) {
  const size_t n = text.size();
  if (n < 32) {
    out.push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    const char h[2] = {static_cast<char>(0xd9), static_cast<char>(n)};
    out.append(h, 2);
  } else if (n <= 0xffff) {
    const char h[3] = {static_cast<char>(0xda), static_cast<char>(n >> 8), static_cast<char>(n)};
    out.append(h, 3);
  } else {
    const char h[5] = {static_cast<char>(0xdb), static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                       static_cast<char>(n >> 8), static_cast<char>(n)};
    out.append(h, 5);
  }
  out.append(text);
}

inline void PackInt(std::string& out, int64_t v) {
  if (v >= 0 && v < 128) {
    out.push_back(static_cast<char>(v));  // positive fixint
  } else if (v >= 0 && v <= 0xffffffffll) {
    if (v <= 0xffff) {
      const char h[3] = {static_cast<char>(0xcd), static_cast<char>(v >> 8), static_cast<char>(v)};
      out.append(h, 3);
    } else {
      const char h[5] = {static_cast<char>(0xce), static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                         static_cast<char>(v >> 8), static_cast<char>(v)};
      out.append(h, 5);
    }
  } else {
    StringSink sink{&out};
    Packer(sink).pack_int64(v);
  }
}

}  // namespace datablox::msgpack_write
