// The literals the topology language and the expression language share:
// quoted strings with their escapes, numbers, and the characters of a name.
// Both lexers (dsl/lexer.cc and expr/lexer.cc) scan them here, so that the
// same mistake (an unterminated string, an unknown escape, a malformed or
// out-of-range number) reads the same in a .topo file and in an expression.
//
// This is the one header of expr/ that another folder (dsl/) includes; it is
// not part of the public API. The scanner knows nothing of lines or columns:
// it works in byte offsets, and each lexer turns them into its own positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace datablox::literal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

// The end of a name ([A-Za-z_][A-Za-z0-9_]*) that starts at `begin`.
size_t ScanIdentifier(std::string_view text, size_t begin);

// A character as messages name it: 'q', or byte 0x01 when it is not
// printable ASCII.
std::string DescribeChar(char c);

// A mistake in a literal. `offset` is where the reader has to look (the
// opening quote of an unterminated string, the backslash of an unknown
// escape, the first character of a bad number); `resume` is where lexing may
// go on, past the broken literal, for a lexer that reports more than one
// error.
struct LiteralError {
  size_t offset = 0;
  size_t resume = 0;
  std::string message;
};

// Whether a line break inside quotes ends the string (the topology language:
// a string stays on its line) or is part of it (an expression).
enum class LineBreaks : uint8_t { kEndTheString, kBelongToTheString };

// The quoted string whose opening quote (' or ") is at `begin`. On success
// fills `value` with the decoded text and `end` with the offset past the
// closing quote. Known escapes: \" \' \\ \n \t.
bool ScanString(std::string_view text, size_t begin, LineBreaks line_breaks, std::string* value, size_t* end,
                LiteralError* error);

// A number: digits, an optional fraction (.digits), an optional exponent (e
// or E, an optional sign, digits), not followed by a name character. The
// topology language writes -3 as one literal (kLeadingMinus: a '-' at
// `begin` is part of the number); an expression applies '-' as an operator
// (kUnsigned), and folds it into a literal that follows.
enum class Sign : uint8_t { kUnsigned, kLeadingMinus };
struct Number {
  bool is_float = false;
  bool negative = false;  // kLeadingMinus only
  // An int's magnitude. kLeadingMinus: at most 2^63 - 1, or 2^63 when
  // negative (INT64_MIN). kUnsigned: at most 2^63, so that an operator '-'
  // can still reach INT64_MIN; a caller with no '-' to apply rejects 2^63
  // with OutOfRange().
  uint64_t magnitude = 0;
  double float_value = 0;  // negated when `negative`
  size_t end = 0;          // the offset past the number
};
bool ScanNumber(std::string_view text, size_t begin, Sign sign, Number* out, LiteralError* error);

// The largest magnitude ScanNumber accepts for an int: 2^63, the magnitude
// of INT64_MIN.
inline constexpr uint64_t kMaxIntMagnitude = uint64_t{1} << 63;

// "number '...' is out of range ...": for a caller that finds an int too
// large once it knows its sign.
std::string OutOfRange(std::string_view spelling, bool is_float);

}  // namespace datablox::literal
