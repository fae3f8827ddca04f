// Tokens of EQL, the cell's query language (eql_parser.h has its grammar).
// Keywords are identifiers the parser recognises, case-insensitively, so a
// field may be called `day` or `count` where a path is expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cell/query/eql_error.h"

namespace datablox::eql {

enum class Tok : uint8_t {
  kEnd,
  kIdent,
  kInt,
  kFloat,
  kString,  // "..." or '...', with \" \' \\ \n \t escapes
  kLParen,
  kRParen,
  kComma,
  kDot,
  kColon,
  kPlus,
  kMinus,
  kEq,     // = or ==
  kNotEq,  // != or <>
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
};

struct Token {
  Tok kind = Tok::kEnd;
  QueryPos pos;
  size_t begin = 0;  // byte offsets into the query, for the text of an item
  size_t end = 0;
  std::string text;  // kIdent: the name; kString: the decoded text
  int64_t int_value = 0;
  double float_value = 0;
};

// What a token kind is called in an error message: "')'", "a string".
std::string_view TokenName(Tok kind);

// Lexes the whole query; the last token is kEnd. Every bad character or
// unterminated string is an error (appended), and lexing goes on after it.
std::vector<Token> Lex(std::string_view query, std::vector<QueryError>* errors);

}  // namespace datablox::eql
