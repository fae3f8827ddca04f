#include "cell/query/partial_codec.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace datablox::eql {
namespace {

constexpr std::string_view kMagic = "eql-partial";

// --- writing ---------------------------------------------------------------

void PutBytes(std::string* out, uint8_t head, uint64_t value, int bytes) {
  out->push_back(static_cast<char>(head));
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(value >> (8 * i)));
}
void PutArray(std::string* out, size_t n) {
  if (n < 16) out->push_back(static_cast<char>(0x90 | n));
  else PutBytes(out, 0xdd, n, 4);
}
void PutInt(std::string* out, int64_t v) {
  if (v >= 0 && v < 128) out->push_back(static_cast<char>(v));
  else PutBytes(out, 0xd3, static_cast<uint64_t>(v), 8);
}
void PutDouble(std::string* out, double d) { PutBytes(out, 0xcb, std::bit_cast<uint64_t>(d), 8); }
void PutBool(std::string* out, bool b) { out->push_back(static_cast<char>(b ? 0xc3 : 0xc2)); }
void PutNil(std::string* out) { out->push_back(static_cast<char>(0xc0)); }
void PutStr(std::string* out, std::string_view s) {
  if (s.size() < 32) out->push_back(static_cast<char>(0xa0 | s.size()));
  else PutBytes(out, 0xdb, s.size(), 4);
  out->append(s);
}

bool HasNumbers(AggFunction f) {
  return f == AggFunction::kSum || f == AggFunction::kMin || f == AggFunction::kMax || f == AggFunction::kAvg;
}

// --- reading ---------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), begin_(p_), end_(p_ + bytes.size()) {}
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }
  bool at_end() const { return p_ == end_; }
  const std::string& error() const { return error_; }

  bool Fail(std::string_view what) {
    if (error_.empty()) error_ = fmt::format("malformed partial result at byte {}: {}", offset(), what);
    return false;
  }

  // Skips one value and everything in it.
  bool Skip(int depth) {
    if (depth > kMaxPartialDepth) return Fail(fmt::format("nested deeper than {} levels", kMaxPartialDepth));
    if (p_ >= end_) return Fail("truncated");
    const uint8_t h = *p_;
    uint64_t n = 0;
    if (h <= 0x7f || h >= 0xe0 || h == 0xc0 || h == 0xc2 || h == 0xc3) return Take(1);
    if ((h & 0xe0) == 0xa0) return Take(1 + (h & 0x1f));
    if ((h & 0xf0) == 0x90) return Take(1) && SkipItems(h & 0x0f, depth);
    if ((h & 0xf0) == 0x80) return Take(1) && SkipItems(2ull * (h & 0x0f), depth);
    switch (h) {
      case 0xcc:
      case 0xd0: return Take(2);
      case 0xcd:
      case 0xd1: return Take(3);
      case 0xca:
      case 0xce:
      case 0xd2: return Take(5);
      case 0xcb:
      case 0xcf:
      case 0xd3: return Take(9);
      case 0xd9:
      case 0xc4: return Length(1, &n) && Take(n);
      case 0xda:
      case 0xc5: return Length(2, &n) && Take(n);
      case 0xdb:
      case 0xc6: return Length(4, &n) && Take(n);
      case 0xdc: return Length(2, &n) && SkipItems(n, depth);
      case 0xdd: return Length(4, &n) && SkipItems(n, depth);
      case 0xde: return Length(2, &n) && SkipItems(2 * n, depth);
      case 0xdf: return Length(4, &n) && SkipItems(2 * n, depth);
      default: return Fail(fmt::format("unsupported msgpack type 0x{:02x}", h));
    }
  }

  bool Array(uint64_t* n) {
    if (p_ >= end_) return Fail("truncated");
    const uint8_t h = *p_;
    if ((h & 0xf0) == 0x90) {
      *n = h & 0x0f;
      return Take(1);
    }
    if (h == 0xdc) return Length(2, n);
    if (h == 0xdd) return Length(4, n);
    return Fail("expected an array");
  }
  bool ArrayOf(uint64_t expected, std::string_view what) {
    uint64_t n = 0;
    if (!Array(&n)) return false;
    return n == expected || Fail(fmt::format("{}: {} items, expected {}", what, n, expected));
  }
  bool Int(int64_t* v) {
    if (p_ >= end_) return Fail("truncated");
    const uint8_t h = *p_;
    if (h <= 0x7f) {
      *v = h;
      return Take(1);
    }
    if (h >= 0xe0) {
      *v = static_cast<int8_t>(h);
      return Take(1);
    }
    uint64_t raw = 0;
    switch (h) {
      case 0xcc:
        if (!Length(1, &raw)) return false;
        *v = static_cast<int64_t>(raw);
        return true;
      case 0xcd:
        if (!Length(2, &raw)) return false;
        *v = static_cast<int64_t>(raw);
        return true;
      case 0xce:
        if (!Length(4, &raw)) return false;
        *v = static_cast<int64_t>(raw);
        return true;
      case 0xcf:
        if (!Length(8, &raw)) return false;
        if (raw > static_cast<uint64_t>(INT64_MAX)) return Fail("integer out of range");
        *v = static_cast<int64_t>(raw);
        return true;
      case 0xd0:
        if (!Length(1, &raw)) return false;
        *v = static_cast<int8_t>(raw);
        return true;
      case 0xd1:
        if (!Length(2, &raw)) return false;
        *v = static_cast<int16_t>(raw);
        return true;
      case 0xd2:
        if (!Length(4, &raw)) return false;
        *v = static_cast<int32_t>(raw);
        return true;
      case 0xd3:
        if (!Length(8, &raw)) return false;
        *v = static_cast<int64_t>(raw);
        return true;
      default: return Fail("expected an integer");
    }
  }
  bool Double(double* d) {
    uint64_t raw = 0;
    if (p_ < end_ && *p_ == 0xcb) {
      if (!Length(8, &raw)) return false;
      *d = std::bit_cast<double>(raw);
      return true;
    }
    return Fail("expected a float64");
  }
  bool Bool(bool* b) {
    if (p_ < end_ && (*p_ == 0xc2 || *p_ == 0xc3)) {
      *b = *p_ == 0xc3;
      return Take(1);
    }
    return Fail("expected a boolean");
  }
  bool Str(std::string_view* s) {
    if (p_ >= end_) return Fail("truncated");
    const uint8_t h = *p_;
    uint64_t n = 0;
    if ((h & 0xe0) == 0xa0) {
      n = h & 0x1f;
      if (!Take(1)) return false;
    } else if (h == 0xd9) {
      if (!Length(1, &n)) return false;
    } else if (h == 0xda) {
      if (!Length(2, &n)) return false;
    } else if (h == 0xdb) {
      if (!Length(4, &n)) return false;
    } else {
      return Fail("expected a string");
    }
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated string");
    *s = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  bool IsNil() const { return p_ < end_ && *p_ == 0xc0; }
  bool Nil() { return IsNil() ? Take(1) : Fail("expected nil"); }
  uint8_t PeekByte() const { return p_ < end_ ? *p_ : 0; }

 private:
  bool Take(uint64_t n) {
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated");
    p_ += n;
    return true;
  }
  // Reads the head byte and a big-endian length of `bytes` after it.
  bool Length(int bytes, uint64_t* n) {
    if (end_ - p_ < 1 + bytes) return Fail("truncated");
    *n = 0;
    for (int i = 1; i <= bytes; ++i) *n = (*n << 8) | p_[i];
    p_ += 1 + bytes;
    return true;
  }
  bool SkipItems(uint64_t n, int depth) {
    // Every item is at least one byte: a count past the end is a lie.
    if (n > static_cast<uint64_t>(end_ - p_)) return Fail("a count larger than the message");
    for (uint64_t i = 0; i < n; ++i)
      if (!Skip(depth + 1)) return false;
    return true;
  }

  const uint8_t* p_;
  const uint8_t* begin_;
  const uint8_t* end_;
  std::string error_;
};

bool ReadKeyPart(Reader& r, KeyPart* part, std::string* storage) {
  const uint8_t h = r.PeekByte();
  if (r.IsNil()) {
    part->kind = KeyPart::Kind::kNull;
    return r.Nil();
  }
  if (h == 0xcb) {
    part->kind = KeyPart::Kind::kDouble;
    return r.Double(&part->double_value);
  }
  if ((h & 0xe0) == 0xa0 || h == 0xd9 || h == 0xda || h == 0xdb) {
    std::string_view s;
    if (!r.Str(&s)) return false;
    *storage = std::string(s);
    part->kind = KeyPart::Kind::kString;
    return true;
  }
  part->kind = KeyPart::Kind::kInt;
  return r.Int(&part->int_value);
}

bool ReadState(Reader& r, const AggShape& shape, AggState* s, DistinctSet* distinct) {
  if (shape.function == AggFunction::kCountDistinct) {
    uint64_t n = 0;
    if (!r.ArrayOf(2, "a distinct set") || !r.Array(&n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      int64_t v;
      if (!r.Int(&v)) return false;
      distinct->numbers.insert(v);
    }
    if (!r.Array(&n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view text;
      if (!r.Str(&text)) return false;
      distinct->strings.emplace(text);
    }
    s->count = static_cast<int64_t>(distinct->numbers.size() + distinct->strings.size());
    return true;
  }
  if (!HasNumbers(shape.function)) return r.Int(&s->count);
  return r.ArrayOf(7, "an aggregate's state") && r.Int(&s->count) && r.Int(&s->int_sum) && r.Double(&s->double_sum) &&
         r.Int(&s->int_min) && r.Int(&s->int_max) && r.Double(&s->double_min) && r.Double(&s->double_max);
}

}  // namespace

std::string EncodePartial(const PartialResult& partial) {
  const PartialShape& shape = partial.shape();
  std::string out;
  PutArray(&out, 7);
  PutStr(&out, kMagic);
  PutInt(&out, kPartialFormatVersion);
  PutInt(&out, shape.key_parts);
  PutArray(&out, shape.aggregates.size());
  for (const AggShape& a : shape.aggregates) {
    PutArray(&out, 2);
    PutInt(&out, static_cast<int64_t>(a.function));
    PutBool(&out, a.integer);
  }
  PutInt(&out, static_cast<int64_t>(partial.rows_scanned));
  PutInt(&out, static_cast<int64_t>(partial.blobs_scanned));
  PutArray(&out, partial.group_count());
  for (uint32_t g = 0; g < partial.group_count(); ++g) {
    PutArray(&out, 2);
    PutArray(&out, static_cast<size_t>(shape.key_parts));
    for (int k = 0; k < shape.key_parts; ++k) {
      const KeyPart& part = partial.key(g)[k];
      switch (part.kind) {
        case KeyPart::Kind::kNull: PutNil(&out); break;
        case KeyPart::Kind::kInt: PutInt(&out, part.int_value); break;
        case KeyPart::Kind::kDouble: PutDouble(&out, part.double_value); break;
        case KeyPart::Kind::kString: PutStr(&out, part.string_value); break;
      }
    }
    PutArray(&out, shape.aggregates.size());
    for (size_t a = 0; a < shape.aggregates.size(); ++a) {
      const AggState& s = partial.states(g)[a];
      const AggFunction f = shape.aggregates[a].function;
      if (f == AggFunction::kCountDistinct) {
        const DistinctSet* d = partial.distinct(g, a);
        PutArray(&out, 2);
        PutArray(&out, d->numbers.size());
        for (int64_t v : d->numbers) PutInt(&out, v);
        PutArray(&out, d->strings.size());
        for (const std::string& v : d->strings) PutStr(&out, v);
      } else if (HasNumbers(f)) {
        PutArray(&out, 7);
        PutInt(&out, s.count);
        PutInt(&out, s.int_sum);
        PutDouble(&out, s.double_sum);
        PutInt(&out, s.int_min);
        PutInt(&out, s.int_max);
        PutDouble(&out, s.double_min);
        PutDouble(&out, s.double_max);
      } else {
        PutInt(&out, s.count);
      }
    }
  }
  return out;
}

Status DecodePartial(std::string_view bytes, PartialResult* out) {
  Reader check(bytes);
  if (!check.Skip(0)) return Status::Invalid(check.error());
  if (!check.at_end())
    return Status::Invalid(fmt::format("malformed partial result: {} bytes after it", bytes.size() - check.offset()));
  Reader r(bytes);
  std::string_view magic;
  int64_t version = 0, key_parts = 0, rows = 0, blobs = 0;
  uint64_t aggregates = 0, groups = 0;
  if (!r.ArrayOf(7, "the partial") || !r.Str(&magic)) return Status::Invalid(r.error());
  if (magic != kMagic) return Status::Invalid("malformed partial result: not an EQL partial");
  if (!r.Int(&version)) return Status::Invalid(r.error());
  if (version != kPartialFormatVersion) {
    return Status::Invalid(fmt::format("partial result of format {}, this reads {}", version, kPartialFormatVersion));
  }
  if (!r.Int(&key_parts) || !r.Array(&aggregates)) return Status::Invalid(r.error());
  if (key_parts < 0 || key_parts > kMaxGroupKeyParts) return Status::Invalid("malformed partial result: key parts");
  if (aggregates > static_cast<uint64_t>(kMaxAggregates))
    return Status::Invalid("malformed partial result: aggregates");
  PartialShape shape;
  shape.key_parts = static_cast<int>(key_parts);
  for (uint64_t i = 0; i < aggregates; ++i) {
    int64_t function = 0;
    AggShape a;
    if (!r.ArrayOf(2, "an aggregate") || !r.Int(&function) || !r.Bool(&a.integer)) return Status::Invalid(r.error());
    if (function < 0 || function > static_cast<int64_t>(AggFunction::kFunnel)) {
      return Status::Invalid(fmt::format("malformed partial result: unknown aggregate {}", function));
    }
    a.function = static_cast<AggFunction>(function);
    shape.aggregates.push_back(a);
  }
  if (!r.Int(&rows) || !r.Int(&blobs) || !r.Array(&groups)) return Status::Invalid(r.error());
  PartialResult result(shape);
  result.rows_scanned = static_cast<uint64_t>(rows);
  result.blobs_scanned = static_cast<uint64_t>(blobs);
  std::vector<KeyPart> key(static_cast<size_t>(key_parts));
  std::vector<std::string> storage(static_cast<size_t>(key_parts));
  for (uint64_t g = 0; g < groups; ++g) {
    if (!r.ArrayOf(2, "a group") || !r.ArrayOf(static_cast<uint64_t>(key_parts), "a group's key"))
      return Status::Invalid(r.error());
    for (size_t k = 0; k < key.size(); ++k) {
      if (!ReadKeyPart(r, &key[k], &storage[k])) return Status::Invalid(r.error());
      if (key[k].kind == KeyPart::Kind::kString) key[k].string_value = storage[k];
    }
    const size_t before = result.group_count();
    const uint32_t group = result.FindOrAdd(key.data());
    if (result.group_count() == before && (key_parts > 0 || g > 0)) {
      return Status::Invalid(fmt::format("malformed partial result: group {} repeats a key", g));
    }
    if (!r.ArrayOf(aggregates, "a group's states")) return Status::Invalid(r.error());
    for (size_t a = 0; a < aggregates; ++a) {
      if (!ReadState(r, shape.aggregates[a], &result.states(group)[a], result.distinct(group, a)))
        return Status::Invalid(r.error());
    }
  }
  *out = std::move(result);
  return Status::OK();
}

}  // namespace datablox::eql
