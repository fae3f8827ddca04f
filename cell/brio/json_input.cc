#include "cell/brio/json_input.h"

#include <charconv>
#include <limits>

namespace datablox::brio {

std::string_view JsonLineParser::Padded(std::string_view text, std::string_view line) {
  const char* text_end = text.data() + text.size();
  if (line.data() + line.size() + simdjson::SIMDJSON_PADDING <= text_end) return line;
  padded_.assign(line);
  padded_.resize(line.size() + simdjson::SIMDJSON_PADDING, ' ');
  return std::string_view(padded_.data(), line.size());
}

simdjson::error_code JsonLineParser::Parse(std::string_view text, std::string_view line, simdjson::dom::element* out) {
  const std::string_view padded = Padded(text, line);
  return parser_.parse(padded.data(), padded.size(), false).get(*out);
}

bool IsBlank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

namespace {
bool FitsType(int64_t v, ScalarType type) {
  switch (type) {
    case ScalarType::kByte: return v >= std::numeric_limits<int8_t>::min() && v <= std::numeric_limits<int8_t>::max();
    case ScalarType::kShort:
      return v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max();
    case ScalarType::kInteger:
      return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    default: return true;
  }
}
}  // namespace

Conversion ConvertScalar(simdjson::dom::element e, ScalarType type, ScalarValue* out) {
  using simdjson::dom::element_type;
  const element_type t = e.type();
  if (t == element_type::NULL_VALUE) return Conversion::kNull;
  switch (type) {
    case ScalarType::kBoolean:
      if (t != element_type::BOOL) return Conversion::kWrongType;
      out->i = bool(e) ? 1 : 0;
      return Conversion::kValue;
    case ScalarType::kByte:
    case ScalarType::kShort:
    case ScalarType::kInteger:
    case ScalarType::kLong: {
      if (t != element_type::INT64) return Conversion::kWrongType;  // UINT64 is above int64's range
      const int64_t v = int64_t(e);
      if (!FitsType(v, type)) return Conversion::kWrongType;
      out->i = v;
      return Conversion::kValue;
    }
    case ScalarType::kDouble:
      if (t == element_type::DOUBLE) out->d = double(e);
      else if (t == element_type::INT64) out->d = static_cast<double>(int64_t(e));
      else if (t == element_type::UINT64) out->d = static_cast<double>(uint64_t(e));
      else return Conversion::kWrongType;
      return Conversion::kValue;
    case ScalarType::kString:
      if (t != element_type::STRING) return Conversion::kWrongType;
      out->s = std::string_view(e);
      return Conversion::kValue;
  }
  return Conversion::kWrongType;
}

Conversion ConvertKey(std::string_view key, ScalarType type, ScalarValue* out) {
  const char* end = key.data() + key.size();
  switch (type) {
    case ScalarType::kString: out->s = key; return Conversion::kValue;
    case ScalarType::kBoolean:
      if (key != "true" && key != "false") return Conversion::kWrongType;
      out->i = key == "true";
      return Conversion::kValue;
    case ScalarType::kDouble: {
      auto r = std::from_chars(key.data(), end, out->d);
      return r.ec == std::errc() && r.ptr == end ? Conversion::kValue : Conversion::kWrongType;
    }
    default: {
      auto r = std::from_chars(key.data(), end, out->i);
      return r.ec == std::errc() && r.ptr == end && FitsType(out->i, type) ? Conversion::kValue
                                                                           : Conversion::kWrongType;
    }
  }
}

}  // namespace datablox::brio
