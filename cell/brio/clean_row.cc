// Built with -mavx2 -mbmi -mpclmul -mlzcnt (CMakeLists.txt): see clean_row.h.
#include "cell/brio/clean_row.h"

// Debian's simdjson target turns on its threads; here a document stream is
// one window, one batch, so it never starts one, and with threads its
// stream carries a worker whose std::unique_lock<std::mutex> members come
// out of line: weak code that clean_row_symbols.cmake rightly refuses.
// Only this file (and no type it shares with another) sees the change:
// the stream and its parser live in this file's reader alone.
#undef SIMDJSON_THREADS_ENABLED
#include <simdjson.h>

#include <bit>
#include <cstring>
#include <string_view>

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

// Streams started in one window before the rest of it is read line by line:
// each restart runs stage 1 again over the rest of the window.
constexpr int kMaxStreamsPerWindow = 4;

class OnDemandRowReader final : public CleanRowReader {
 public:
  bool Read(const char* line, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
            uint8_t* states) override;
  void ReadMany(const char* text, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
                uint8_t* states, const CleanRowSink& sink) override;

 private:
  // The row of one document whose line ends at `end`: Read's and ReadMany's.
  template <typename Document>
  bool ReadRow(Document& doc, const char* end, const CleanRowSpec& spec, uint64_t* cells, uint8_t* states);

  // Separate parsers: a stream's batch size is its parser's capacity (a
  // parse of a longer line would make the stream reallocate it).
  simdjson::ondemand::parser stream_parser_;
  simdjson::ondemand::parser parser_;
  // The key found at each position of the last row: rows of one log mostly list their keys in one order.
  static constexpr size_t kHints = 64;
  uint16_t hint_[kHints] = {};
  bool hinted_[kHints] = {};
};

bool OnDemandRowReader::Read(const char* line, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
                             uint8_t* states) {
  simdjson::ondemand::document doc;
  if (parser_.iterate(line, size, capacity).get(doc)) return false;
  return ReadRow(doc, line + size, spec, cells, states);
}

template <typename Document>
bool OnDemandRowReader::ReadRow(Document& doc, const char* end, const CleanRowSpec& spec, uint64_t* cells,
                                uint8_t* states) {
  using simdjson::ondemand::json_type;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return false;
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
  // In a stream a document may run on past its line (a line without its
  // closing brace, and the next line its rest): the row must end in its line.
  if (after_last == nullptr || after_last > end) return false;
  const char* p = after_last;
  while (p < end && IsSpace(*p)) ++p;
  if (p == end || *p != '}') return false;
  for (++p; p < end; ++p)
    if (!IsSpace(*p)) return false;
  return true;
}

void OnDemandRowReader::ReadMany(const char* text, size_t size, size_t capacity, const CleanRowSpec& spec,
                                 uint64_t* cells, uint8_t* states, const CleanRowSink& sink) {
  const char* const end = text + size;
  const char* p = text;  // the next line not yet handed to the sink
  auto line_end = [&](const char* from) {
    const void* newline = std::memchr(from, '\n', static_cast<size_t>(end - from));
    return newline ? static_cast<const char*>(newline) : end;
  };
  auto hand = [&](const char* e, bool clean) {
    sink.line(sink.context, p, static_cast<size_t>(e - p), clean);
    p = e < end ? e + 1 : end;
  };
  for (int streams = 0; p < end; ++streams) {
    const char* e = line_end(p);
    const char* first = p;
    while (first < e && IsSpace(*first)) ++first;
    if (first == e) {  // blank: the caller counts it
      hand(e, false);
      --streams;
      continue;
    }
    if (streams >= kMaxStreamsPerWindow) {
      std::memset(states, 0, spec.ncolumns);
      hand(e, Read(p, static_cast<size_t>(e - p), capacity - static_cast<size_t>(p - text), spec, cells, states));
      continue;
    }
    // From the line's first byte that is not a space: the first document's
    // index is its batch's start, not its first token's.
    simdjson::ondemand::document_stream stream;
    if (stream_parser_.iterate_many(first, static_cast<size_t>(end - first), kCleanWindowBytes).get(stream)) {
      streams = kMaxStreamsPerWindow;
      continue;
    }
    auto it = stream.begin();
    bool first_document = true;
    while (p < end && it != stream.end()) {
      e = line_end(p);
      const char* start = p;
      while (start < e && IsSpace(*start)) ++start;
      if (start == e) {
        hand(e, false);
        continue;
      }
      // A document that does not start where its line does: stage 1 or the
      // stream lost the lines' bounds (a malformed line before): restart here.
      if (first + it.current_index() != start) break;
      auto document = *it;
      if (document.error() && first_document) {
        // Stage 1 failed over the window (invalid UTF-8, an unclosed string): line by line.
        streams = kMaxStreamsPerWindow - 1;
        break;
      }
      first_document = false;
      std::memset(states, 0, spec.ncolumns);
      bool clean = false;
      if (!document.error()) {
        simdjson::ondemand::document_reference doc = document.value_unsafe();
        clean = ReadRow(doc, e, spec, cells, states);
      }
      hand(e, clean);
      ++it;
    }
  }
}

}  // namespace

CleanRowReader* MakeCleanRowReader() { return new OnDemandRowReader(); }

}  // namespace datablox::brio
