// Tokens of the Brio schema language. Private to cell/brio: the schema
// parser is its only reader. A language of its own (not dsl/'s lexer): its
// comments are `//` and `#`, newlines mean nothing, and it has no strings,
// floats or class names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::brio {

enum class SchemaTokenKind : uint8_t {
  kEnd,    // end of the text
  kIdent,  // [A-Za-z_][A-Za-z0-9_]*, at most kMaxIdentifierBytes
  kInt,    // decimal digits; `int_value` holds it (at most 9 digits)
  kColon,
  kComma,
  kRParen,  // the `)` after an ordinal: `0) id : string`
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kError,  // `text` is the message; the position is where the problem starts
};

struct SchemaToken {
  SchemaTokenKind kind = SchemaTokenKind::kEnd;
  std::string text;  // the spelling; the message of an error
  int64_t int_value = 0;
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// The whole text as tokens, always ending with one kEnd. Errors are tokens,
// so that the parser reports them in order with its own and then recovers.
std::vector<SchemaToken> TokenizeSchema(std::string_view text);

// How a token is named in "expected X, found Y": 'User', ')', end of file.
std::string DescribeSchemaToken(const SchemaToken& token);

}  // namespace datablox::brio
