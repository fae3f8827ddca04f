#include "runtime/nexus/frame.h"

#include <msgpack.hpp>

#include "runtime/core/msgpack_write.h"

namespace datablox::nexus {

const char* FrameKindName(FrameKind kind) {
  switch (kind) {
    case FrameKind::kInitiate: return "initiate";
    case FrameKind::kInitiated: return "initiated";
    case FrameKind::kError: return "error";
    case FrameKind::kParcel: return "parcel";
    case FrameKind::kHeartbeat: return "heartbeat";
    case FrameKind::kCredit: return "credit";
    case FrameKind::kAbort: return "abort";
    case FrameKind::kServerError: return "server_error";
    case FrameKind::kCompletion: return "completion";
  }
  return "unknown";
}

namespace {

using msgpack_write::Packer;
using msgpack_write::StringSink;

// Writes one frame's fields after [kind, stream_id].
struct FieldWriter {
  Packer& p;
  size_t FieldCount(const Initiate&) const { return 4; }
  size_t FieldCount(const Initiated&) const { return 1; }
  size_t FieldCount(const Error&) const { return 2; }
  size_t FieldCount(const Parcel&) const { return 1; }
  size_t FieldCount(const Heartbeat&) const { return 3; }
  size_t FieldCount(const Credit&) const { return 1; }
  size_t FieldCount(const Abort&) const { return 1; }
  size_t FieldCount(const ServerError&) const { return 2; }
  size_t FieldCount(const Completion&) const { return 4; }

  void Bin(const std::string& bytes) {
    p.pack_bin(static_cast<uint32_t>(bytes.size()));
    p.pack_bin_body(bytes.data(), static_cast<uint32_t>(bytes.size()));
  }
  void Write(const Initiate& f) {
    p.pack_uint64(f.operation_id);
    p.pack_uint32(f.window);
    Bin(f.paradata);
    p.pack(f.port);
  }
  void Write(const Initiated& f) { p.pack_int64(f.expected); }
  void Write(const Error& f) {
    p.pack_uint32(static_cast<uint32_t>(f.code));
    p.pack(f.message);
  }
  void Write(const Parcel& f) { p.pack_uint64(f.item_count); }
  void Write(const Heartbeat& f) {
    p.pack_uint64(f.items);
    p.pack_uint64(f.bytes);
    p.pack_int64(f.expected);
  }
  void Write(const Credit& f) { p.pack_uint32(f.parcels); }
  void Write(const Abort& f) { p.pack(f.reason); }
  void Write(const ServerError& f) {
    p.pack_uint32(static_cast<uint32_t>(f.code));
    p.pack(f.message);
  }
  void Write(const Completion& f) {
    p.pack_uint64(f.items);
    p.pack_int64(f.expected);
    p.pack_uint64(f.potential);
    p.pack_uint64(f.rejected);
  }
};

// Reads the fields of a decoded header array; the first failure is kept,
// with the field's position and name, and later reads are no-ops.
class FieldReader {
 public:
  FieldReader(const msgpack::object_array& array, FrameKind kind) : array_(array), kind_(kind) {}

  const Status& status() const { return status_; }

  void U64(size_t index, const char* name, uint64_t* out) {
    const msgpack::object* o = At(index, name);
    if (o == nullptr) return;
    if (o->type != msgpack::type::POSITIVE_INTEGER) return Fail(index, name, "an unsigned integer");
    *out = o->via.u64;
  }
  void U32(size_t index, const char* name, uint32_t* out) {
    uint64_t wide = 0;
    U64(index, name, &wide);
    if (!status_.ok()) return;
    if (wide > UINT32_MAX) return Fail(index, name, "an unsigned 32-bit integer");
    *out = static_cast<uint32_t>(wide);
  }
  void I64(size_t index, const char* name, int64_t* out) {
    const msgpack::object* o = At(index, name);
    if (o == nullptr) return;
    if (o->type == msgpack::type::NEGATIVE_INTEGER) {
      *out = o->via.i64;
    } else if (o->type == msgpack::type::POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
      *out = static_cast<int64_t>(o->via.u64);
    } else {
      Fail(index, name, "a signed integer");
    }
  }
  void Code(size_t index, const char* name, ErrorCode* out) {
    uint32_t raw = 0;
    U32(index, name, &raw);
    if (status_.ok()) *out = static_cast<ErrorCode>(raw);  // an unknown code is still a code: shown as a number
  }
  void Str(size_t index, const char* name, size_t max, std::string* out) {
    const msgpack::object* o = At(index, name);
    if (o == nullptr) return;
    if (o->type != msgpack::type::STR || o->via.str.size > max) return Fail(index, name, "a string, not too long");
    out->assign(o->via.str.ptr, o->via.str.size);
  }
  void Bin(size_t index, const char* name, size_t max, std::string* out) {
    const msgpack::object* o = At(index, name);
    if (o == nullptr) return;
    if (o->type != msgpack::type::BIN || o->via.bin.size > max) return Fail(index, name, "bytes, not too many");
    out->assign(o->via.bin.ptr, o->via.bin.size);
  }

 private:
  const msgpack::object* At(size_t index, const char* name) {
    if (!status_.ok()) return nullptr;
    if (index >= array_.size) {
      Fail(index, name, "present");
      return nullptr;
    }
    return &array_.ptr[index];
  }
  void Fail(size_t index, const char* name, const char* wanted) {
    status_ = Status::Invalid(std::string("nexus ") + FrameKindName(kind_) + " frame: field " + std::to_string(index) +
                              " (" + name + ") must be " + wanted);
  }

  const msgpack::object_array& array_;
  FrameKind kind_;
  Status status_;
};

// Fields start after [kind, stream_id].
constexpr size_t kFirstField = 2;

Status DecodeBody(FieldReader& r, FrameKind kind, FrameBody* body) {
  size_t i = kFirstField;
  switch (kind) {
    case FrameKind::kInitiate: {
      Initiate f;
      r.U64(i, "operation_id", &f.operation_id);
      r.U32(i + 1, "window", &f.window);
      r.Bin(i + 2, "paradata", kMaxParadataBytes, &f.paradata);
      r.Str(i + 3, "port", kMaxPortBytes, &f.port);
      *body = std::move(f);
      break;
    }
    case FrameKind::kInitiated: {
      Initiated f;
      r.I64(i, "expected", &f.expected);
      *body = f;
      break;
    }
    case FrameKind::kError: {
      Error f;
      r.Code(i, "code", &f.code);
      r.Str(i + 1, "message", kMaxMessageBytes, &f.message);
      *body = std::move(f);
      break;
    }
    case FrameKind::kParcel: {
      Parcel f;
      r.U64(i, "item_count", &f.item_count);
      *body = std::move(f);
      break;
    }
    case FrameKind::kHeartbeat: {
      Heartbeat f;
      r.U64(i, "items", &f.items);
      r.U64(i + 1, "bytes", &f.bytes);
      r.I64(i + 2, "expected", &f.expected);
      *body = f;
      break;
    }
    case FrameKind::kCredit: {
      Credit f;
      r.U32(i, "parcels", &f.parcels);
      *body = f;
      break;
    }
    case FrameKind::kAbort: {
      Abort f;
      r.Str(i, "reason", kMaxMessageBytes, &f.reason);
      *body = std::move(f);
      break;
    }
    case FrameKind::kServerError: {
      ServerError f;
      r.Code(i, "code", &f.code);
      r.Str(i + 1, "message", kMaxMessageBytes, &f.message);
      *body = std::move(f);
      break;
    }
    case FrameKind::kCompletion: {
      Completion f;
      r.U64(i, "items", &f.items);
      r.I64(i + 1, "expected", &f.expected);
      r.U64(i + 2, "potential", &f.potential);
      r.U64(i + 3, "rejected", &f.rejected);
      *body = f;
      break;
    }
  }
  return r.status();
}

}  // namespace

std::string EncodeHeader(const Frame& frame) {
  std::string out;
  StringSink sink{&out};
  Packer p(sink);
  std::visit(
      [&](const auto& body) {
        FieldWriter w{p};
        p.pack_array(static_cast<uint32_t>(kFirstField + w.FieldCount(body)));
        p.pack_uint8(static_cast<uint8_t>(frame.kind()));
        p.pack_uint64(frame.stream_id);
        w.Write(body);
      },
      frame.body);
  return out;
}

Status DecodeHeader(std::string_view header, bool has_payload, Frame* out) {
  if (header.size() > kMaxHeaderBytes)
    return Status::Invalid("nexus frame: header over " + std::to_string(kMaxHeaderBytes) + " bytes");
  msgpack::object_handle handle;
  try {
    size_t offset = 0;
    // One flat array: depth 1; no map; bounded strings and bytes.
    const msgpack::unpack_limit limit(16, 0, kMaxMessageBytes, kMaxParadataBytes, 0, kMaxDecodeDepth);
    handle = msgpack::unpack(header.data(), header.size(), offset, nullptr, nullptr, limit);
    if (offset != header.size()) return Status::Invalid("nexus frame: bytes after the header");
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("nexus frame: not a flat msgpack array (") + e.what() + ")");
  }
  const msgpack::object& root = handle.get();
  if (root.type != msgpack::type::ARRAY || root.via.array.size < kFirstField) {
    return Status::Invalid("nexus frame: not an array [kind, stream_id, ...]");
  }
  const msgpack::object_array& array = root.via.array;
  if (array.ptr[0].type != msgpack::type::POSITIVE_INTEGER || array.ptr[0].via.u64 < kFirstFrameKind ||
      array.ptr[0].via.u64 > kLastFrameKind) {
    return Status::Invalid("nexus frame: field 0 (kind) is not a known frame kind");
  }
  const auto kind = static_cast<FrameKind>(array.ptr[0].via.u64);
  if (array.ptr[1].type != msgpack::type::POSITIVE_INTEGER) {
    return Status::Invalid(std::string("nexus ") + FrameKindName(kind) +
                           " frame: field 1 (stream_id) must be an unsigned integer");
  }
  if ((kind == FrameKind::kParcel) != has_payload) {
    return Status::Invalid(
        std::string("nexus ") + FrameKindName(kind) +
        (has_payload ? " frame: a payload part on a frame that has none" : " frame: its payload part is missing"));
  }
  FieldReader reader(array, kind);
  Frame frame;
  frame.stream_id = array.ptr[1].via.u64;
  Status st = DecodeBody(reader, kind, &frame.body);
  if (!st.ok()) return st;
  *out = std::move(frame);
  return Status::OK();
}

}  // namespace datablox::nexus
