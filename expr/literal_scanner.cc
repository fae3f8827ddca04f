#include "expr/literal_scanner.h"

#include <charconv>
#include <cstdio>
#include <system_error>

#include <fmt/format.h>

namespace datablox::literal {
namespace {

constexpr std::string_view kKnownEscapes = R"((known: \" \' \\ \n \t))";

bool EndsString(std::string_view text, size_t pos, LineBreaks line_breaks) {
  return pos >= text.size() || (line_breaks == LineBreaks::kEndTheString && text[pos] == '\n');
}

// Past the rest of a string whose escape at `pos` was unknown, so that its
// tail is not lexed as code: up to and past the closing quote, or up to the
// end of the string's line (or text).
size_t SkipRestOfString(std::string_view text, size_t pos, char quote, LineBreaks line_breaks) {
  while (!EndsString(text, pos, line_breaks) && text[pos] != quote) {
    if (text[pos] == '\\') ++pos;
    if (!EndsString(text, pos, line_breaks)) ++pos;
  }
  if (pos < text.size() && text[pos] == quote) ++pos;
  return pos;
}

// Spelled with fmt, not `std::string(...) + quote`: GCC 12 warns falsely
// (-Warray-bounds) inside libstdc++'s operator+ for that.
std::string Unterminated(char quote) { return fmt::format("unterminated string: expected a closing {}", quote); }

bool Fail(LiteralError* error, size_t offset, size_t resume, std::string message) {
  error->offset = offset;
  error->resume = resume;
  error->message = std::move(message);
  return false;
}

}  // namespace

size_t ScanIdentifier(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && IsIdentChar(text[end])) ++end;
  return end;
}

std::string DescribeChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte >= 0x7f) {
    char buffer[16];
    std::snprintf(buffer, sizeof(buffer), "byte 0x%02x", byte);
    return buffer;
  }
  return std::string("'") + c + "'";
}

bool ScanString(std::string_view text, size_t begin, LineBreaks line_breaks, std::string* value, size_t* end,
                LiteralError* error) {
  const char quote = text[begin];
  value->clear();
  size_t pos = begin + 1;
  for (;;) {
    if (EndsString(text, pos, line_breaks)) {
      // Reported at the opening quote, which is where the writer has to
      // look; lexing goes on at the line break, which still ends a statement.
      return Fail(error, begin, pos, Unterminated(quote));
    }
    const char c = text[pos];
    if (c == quote) {
      *end = pos + 1;
      return true;
    }
    if (c != '\\') {
      value->push_back(c);
      ++pos;
      continue;
    }
    const size_t escape_at = pos++;
    if (EndsString(text, pos, line_breaks)) {
      return Fail(error, begin, pos, Unterminated(quote));
    }
    const char escaped = text[pos++];
    switch (escaped) {
      case '"': value->push_back('"'); break;
      case '\'': value->push_back('\''); break;
      case '\\': value->push_back('\\'); break;
      case 'n': value->push_back('\n'); break;
      case 't': value->push_back('\t'); break;
      default: {
        const auto byte = static_cast<unsigned char>(escaped);
        const std::string spelled = byte < 0x20 || byte >= 0x7f ? "'\\' followed by " + DescribeChar(escaped)
                                                                : std::string("'\\") + escaped + "'";
        return Fail(error, escape_at, SkipRestOfString(text, pos, quote, line_breaks),
                    "unknown escape " + spelled + " in string " + std::string(kKnownEscapes));
      }
    }
  }
}

bool ScanNumber(std::string_view text, size_t begin, Sign sign, Number* out, LiteralError* error) {
  auto at = [&](size_t pos) { return pos < text.size() ? text[pos] : '\0'; };
  size_t pos = begin;
  const bool negative = sign == Sign::kLeadingMinus && at(pos) == '-';
  if (negative) ++pos;
  const size_t digits = pos;
  bool is_float = false;
  bool malformed = !IsDigit(at(pos));
  while (IsDigit(at(pos))) ++pos;
  if (at(pos) == '.') {
    is_float = true;
    ++pos;
    if (!IsDigit(at(pos))) malformed = true;
    while (IsDigit(at(pos))) ++pos;
  }
  if (!malformed && (at(pos) == 'e' || at(pos) == 'E')) {
    is_float = true;
    ++pos;
    if (at(pos) == '+' || at(pos) == '-') ++pos;
    if (!IsDigit(at(pos))) malformed = true;
    while (IsDigit(at(pos))) ++pos;
  }
  if (malformed || IsIdentStart(at(pos))) {
    // "10ms", "3x", "1.", "2e+": neither a number nor a name; the whole
    // spelling is named, at its start.
    while (IsIdentChar(at(pos))) ++pos;
    return Fail(error, begin, pos, "invalid number '" + std::string(text.substr(begin, pos - begin)) + "'");
  }
  const char* first = text.data() + digits;
  const char* last = text.data() + pos;
  const std::string_view spelling = text.substr(begin, pos - begin);
  out->is_float = is_float;
  out->negative = negative;
  out->end = pos;
  if (is_float) {
    auto [ptr, ec] = std::from_chars(first, last, out->float_value);
    if (ec != std::errc() || ptr != last) {
      return Fail(error, begin, pos, OutOfRange(spelling, /*is_float=*/true));
    }
    if (negative) out->float_value = -out->float_value;
    return true;
  }
  const uint64_t limit = sign == Sign::kLeadingMinus && !negative ? kMaxIntMagnitude - 1 : kMaxIntMagnitude;
  auto [ptr, ec] = std::from_chars(first, last, out->magnitude);
  if (ec != std::errc() || ptr != last || out->magnitude > limit) {
    return Fail(error, begin, pos, OutOfRange(spelling, /*is_float=*/false));
  }
  return true;
}

std::string OutOfRange(std::string_view spelling, bool is_float) {
  return "number '" + std::string(spelling) + "' is out of range" + (is_float ? "" : " (an int has 64 bits)");
}

}  // namespace datablox::literal
