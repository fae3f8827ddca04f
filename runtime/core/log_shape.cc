// A walk over msgpack headers that skips payloads without decoding them.
// Hand-written rather than msgpack-c's visitor parse because that one grows
// a heap-allocated stack per call, and this runs for every received log.

#include "runtime/core/log_shape.h"

#include <fmt/format.h>

#include <cstdint>

#include "datablox/log.h"

namespace datablox {
namespace {

uint64_t BigEndian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// One msgpack header at `p` (with `left` bytes from there): how many bytes
// the value takes when it is a scalar (`skip`), or how many items follow it
// when it is a container (`items`, two per map entry). False when the bytes
// end too early or hold the unused code 0xc1.
struct Header {
  uint64_t skip = 0;
  uint64_t items = 0;
  bool container = false;
  bool map = false;
};

bool ReadHeader(const unsigned char* p, size_t left, Header* h) {
  const unsigned char c = p[0];
  auto sized = [&](int length_bytes, uint64_t extra) {  // str, bin, ext: a length then a payload
    if (left < 1u + length_bytes) return false;
    h->skip = 1 + length_bytes + extra + BigEndian(p + 1, length_bytes);
    return true;
  };
  auto container = [&](int count_bytes, uint64_t count, bool map) {
    if (left < 1u + count_bytes) return false;
    if (count_bytes > 0) count = BigEndian(p + 1, count_bytes);
    h->skip = 1 + count_bytes;
    h->items = map ? 2 * count : count;
    h->container = true;
    h->map = map;
    return true;
  };
  if (c <= 0x7f || c >= 0xe0) return h->skip = 1, true;  // fixint
  if (c <= 0x8f) return container(0, c & 0x0f, true);
  if (c <= 0x9f) return container(0, c & 0x0f, false);
  if (c <= 0xbf) return h->skip = 1 + (c & 0x1f), true;  // fixstr
  switch (c) {
    case 0xc0:
    case 0xc2:
    case 0xc3: h->skip = 1; return true;
    case 0xc4: return sized(1, 0);
    case 0xc5: return sized(2, 0);
    case 0xc6: return sized(4, 0);
    case 0xc7: return sized(1, 1);  // ext: a type byte, then the payload
    case 0xc8: return sized(2, 1);
    case 0xc9: return sized(4, 1);
    case 0xca: h->skip = 5; return true;
    case 0xcb: h->skip = 9; return true;
    case 0xcc:
    case 0xd0: h->skip = 2; return true;
    case 0xcd:
    case 0xd1: h->skip = 3; return true;
    case 0xce:
    case 0xd2: h->skip = 5; return true;
    case 0xcf:
    case 0xd3: h->skip = 9; return true;
    case 0xd4: h->skip = 3; return true;  // fixext: a type byte and 1..16 bytes
    case 0xd5: h->skip = 4; return true;
    case 0xd6: h->skip = 6; return true;
    case 0xd7: h->skip = 10; return true;
    case 0xd8: h->skip = 18; return true;
    case 0xd9: return sized(1, 0);
    case 0xda: return sized(2, 0);
    case 0xdb: return sized(4, 0);
    case 0xdc: return container(2, 0, false);
    case 0xdd: return container(4, 0, false);
    case 0xde: return container(2, 0, true);
    case 0xdf: return container(4, 0, true);
    default: return false;  // 0xc1: never used
  }
}

}  // namespace

Status CheckLogShape(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  if (size == 0) return Status::Invalid("empty log");
  // Items still to read in each open container, outermost first.
  uint64_t open[kMaxLogDepth];
  int depth = 0;
  uint64_t pending = 1;  // the root value
  size_t pos = 0;
  for (;;) {
    if (pending == 0) {
      if (depth == 0) break;
      pending = open[--depth];
      continue;
    }
    --pending;
    Header h;
    if (pos >= size || !ReadHeader(data + pos, size - pos, &h)) {
      return Status::Invalid(pos >= size ? "truncated log" : "malformed msgpack in log");
    }
    if (pos == 0 && !h.map) return Status::Invalid("a log must be a msgpack map");
    if (h.skip > size - pos) return Status::Invalid("truncated log");
    pos += h.skip;
    // An empty container is a level too, as msgpack-c counts it: a log
    // passes here exactly when Log::root() can read it.
    if (!h.container) continue;
    if (depth == kMaxLogDepth) {
      return Status::Invalid(fmt::format("log nested more than {} levels deep", kMaxLogDepth));
    }
    // Every item takes a byte at least: a count beyond the bytes left is a lie.
    if (h.items > size - pos) return Status::Invalid("truncated log");
    open[depth++] = pending;
    pending = h.items;
  }
  if (pos != size) return Status::Invalid("bytes after the end of the log");
  return Status::OK();
}

}  // namespace datablox
