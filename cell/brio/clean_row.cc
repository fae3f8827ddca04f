// Built with -mavx2 -mbmi -mpclmul -mlzcnt (CMakeLists.txt): see clean_row.h.
#include "cell/brio/clean_row.h"

#include <simdjson.h>

#include <bit>
#include <cstring>

namespace datablox::brio {

namespace {

// ScalarType's values (schema.h is not included here: see clean_row.h).
enum : uint8_t { kBoolean = 0, kByte, kShort, kInteger, kLong, kDouble, kString };

bool IsIntegerLiteral(std::string_view token) {
  for (char c : token)
    if (c == '.' || c == 'e' || c == 'E') return false;
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class OnDemandRowReader final : public CleanRowReader {
 public:
  bool Read(const char* line, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
            uint8_t* states) override;

 private:
  simdjson::ondemand::parser parser_;
  // The key found at each position of the last row: rows of one log mostly list their keys in one order.
  static constexpr size_t kHints = 64;
  uint16_t hint_[kHints] = {};
  bool hinted_[kHints] = {};
};

bool OnDemandRowReader::Read(const char* line, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
                             uint8_t* states) {
  using simdjson::ondemand::json_type;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser_.iterate(line, size, capacity).get(doc) || doc.get_object().get(object)) return false;
  size_t position = 0;
  const char* after_last = nullptr;  // where the last value's token ends
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return false;
    // The key as written, not unescaped (no copy): names hold neither '"'
    // nor '\\' and are short (clean_row.h), so one matches only a key written
    // plainly, read within the padding; a key written with escapes is unknown
    // here, and the DOM's.
    // The image's words against the bytes at `raw` (within the line and its
    // padding: a key is at most kMaxCleanKeyBytes, the padding 64 bytes), the
    // last word masked to the key's closing quote.
    const char* raw = field.key().raw();
    auto matches = [&](size_t i) {
      const uint64_t* image = spec.key_images + i * kCleanKeyWords;
      const size_t n = spec.key_sizes[i] + 1;
      size_t w = 0;
      uint64_t word;
      for (; (w + 1) * 8 <= n; ++w) {
        std::memcpy(&word, raw + w * 8, 8);
        if (word != image[w]) return false;
      }
      const size_t rest = n - w * 8;
      if (rest == 0) return true;
      if constexpr (std::endian::native != std::endian::little)
        return std::memcmp(raw + w * 8, reinterpret_cast<const char*>(image + w), rest) == 0;
      std::memcpy(&word, raw + w * 8, 8);
      return (word & ((uint64_t{1} << (rest * 8)) - 1)) == image[w];
    };
    int k = -1;
    if (position < kHints && hinted_[position] && matches(hint_[position])) k = hint_[position];
    for (size_t i = 0; k < 0 && i < spec.nkeys; ++i)
      if (matches(i)) {
        k = static_cast<int>(i);
        if (position < kHints) hint_[position] = static_cast<uint16_t>(i), hinted_[position] = true;
      }
    ++position;
    // An unknown key's value would be skipped unchecked, and a value feeding two fields read twice.
    if (k < 0 || spec.column_of_key[k] < 0) return false;
    const size_t column = static_cast<size_t>(spec.column_of_key[k]);
    simdjson::ondemand::value value = field.value();
    const std::string_view token = value.raw_json_token();
    after_last = token.data() + token.size();
    json_type type;
    if (value.type().get(type)) return false;
    uint64_t bits = 0;
    if (type == json_type::null) {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return false;
      states[column] = 0;
      continue;
    }
    switch (spec.column_type[column]) {
      case kString: {
        std::string_view s;
        if (type != json_type::string || value.get_string().get(s)) return false;
        bits = spec.intern(spec.context, s.data(), s.size());
        break;
      }
      case kDouble: {
        if (type != json_type::number) return false;
        double d;
        if (IsIntegerLiteral(token)) {
          // As the DOM reads it: an int64 (or a uint64) made a double; a larger integer is malformed there.
          int64_t i;
          uint64_t u;
          if (!value.get_int64().get(i)) d = static_cast<double>(i);
          else if (!value.get_uint64().get(u)) d = static_cast<double>(u);
          else return false;
        } else if (value.get_double().get(d)) {
          return false;
        }
        std::memcpy(&bits, &d, sizeof bits);
        break;
      }
      case kBoolean: {
        bool b;
        if (type != json_type::boolean || value.get_bool().get(b)) return false;
        bits = b ? 1 : 0;
        break;
      }
      default: {  // the integers; one out of its type's range is a wrong type, for the DOM path
        int64_t i;
        if (type != json_type::number || value.get_int64().get(i)) return false;
        const uint8_t t = spec.column_type[column];
        const int64_t lo = t == kByte ? INT8_MIN : t == kShort ? INT16_MIN : t == kInteger ? INT32_MIN : INT64_MIN;
        if (i < lo || i > -(lo + 1)) return false;
        bits = static_cast<uint64_t>(i);
        break;
      }
    }
    cells[column] = bits;
    states[column] = 1;
  }
  // On-Demand stops at the object's end: anything after it is the DOM path's to reject.
  if (after_last == nullptr) return false;
  const char* end = line + size;
  const char* p = after_last;
  while (p < end && IsSpace(*p)) ++p;
  if (p == end || *p != '}') return false;
  for (++p; p < end; ++p)
    if (!IsSpace(*p)) return false;
  return true;
}

}  // namespace

CleanRowReader* MakeCleanRowReader() { return new OnDemandRowReader(); }

}  // namespace datablox::brio
