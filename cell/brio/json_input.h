// What both pressers share about their JSON input: one simdjson parser
// reused line after line (parsing in place where the text has room for
// simdjson's padding, else from one reused copy), and the conversion of a
// JSON value to a schema scalar. Private to cell/brio (includes simdjson).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "cell/brio/blob_writer.h"
#include "cell/brio/press_stats.h"
#include "cell/brio/schema.h"

namespace datablox::brio {

class JsonLineParser {
 public:
  // `line` lies inside `text`; the element is valid until the next Parse.
  simdjson::error_code Parse(std::string_view text, std::string_view line, simdjson::dom::element* out);
  // The line where simdjson::SIMDJSON_PADDING bytes may be read past its
  // end: in place, or a copy valid until the next call.
  std::string_view Padded(std::string_view text, std::string_view line);

 private:
  simdjson::dom::parser parser_;
  std::string padded_;  // the copy of a line too near the text's end
};

// Calls fn(line, line_number) for each line of text (1-based, '\n' ended,
// the last line may lack it).
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  uint64_t number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(start, end - start), ++number);
    start = end + 1;
  }
}

// A line with nothing but whitespace in it.
bool IsBlank(std::string_view line);

// The validating DOM path of one line (number `number` of text, from
// `source`): a blank line counted, the others parsed and rejected with the
// reason when not JSON or not an object; fn(object, where) gets the others,
// `where()` naming the line ("SOURCE:LINE") for a reject of its own. The
// caller has counted the line and its bytes.
template <typename Fn>
void ReadObjectLine(std::string_view text, std::string_view line, uint64_t number, std::string_view source,
                    JsonLineParser& parser, PressStats& stats, Fn&& fn) {
  if (IsBlank(line)) {
    ++stats.blank_lines;
    return;
  }
  auto where = [&] { return std::string(source) + ":" + std::to_string(number); };
  simdjson::dom::element root;
  if (simdjson::error_code error = parser.Parse(text, line, &root)) {
    ++stats.rejected_malformed;
    stats.Sample(where(), std::string("malformed JSON: ") + simdjson::error_message(error));
    return;
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    ++stats.rejected_not_object;
    stats.Sample(where(), "not a JSON object");
    return;
  }
  fn(simdjson::dom::object(root), where);
}

// What both pressers do with each line of their input: counted in `stats`
// (lines, bytes), then ReadObjectLine. With a `fast` path, fast(line) is
// tried first: it returns true when it took the line whole (and only then
// may it have counted anything), false to leave the line to the validating
// DOM path.
template <typename Fast, typename Fn>
void ForEachObjectLine(std::string_view text, std::string_view source, JsonLineParser& parser, PressStats& stats,
                       Fast&& fast, Fn&& fn) {
  ForEachLine(text, [&](std::string_view line, uint64_t number) {
    ++stats.lines;
    stats.json_bytes += line.size() + 1;
    if (fast(line)) return;
    ReadObjectLine(text, line, number, source, parser, stats, fn);
  });
}

template <typename Fn>
void ForEachObjectLine(std::string_view text, std::string_view source, JsonLineParser& parser, PressStats& stats,
                       Fn&& fn) {
  ForEachObjectLine(
      text, source, parser, stats, [](std::string_view) { return false; }, fn);
}

enum class Conversion { kValue, kNull, kWrongType };

// A JSON value as a scalar of `type`: kNull for JSON null, kWrongType for a
// value of another type or out of the type's range (a byte that is 300).
// A string's view points into the parser's buffers.
Conversion ConvertScalar(simdjson::dom::element e, ScalarType type, ScalarValue* out);
// A JSON object's key as a map key of `type` ("17" for a long key).
Conversion ConvertKey(std::string_view key, ScalarType type, ScalarValue* out);

}  // namespace datablox::brio
