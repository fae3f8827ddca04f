// Tokens of the topology language. The lexer is private to dsl/: the parser
// is its only reader. Its strings, numbers and names come from the literal
// scanner it shares with the expression language (expr/literal_scanner.h),
// so that a broken literal reads the same in both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::dsl {

enum class TokenKind : uint8_t {
  kEnd,        // end of the text
  kNewline,    // ends a statement (outside brackets); a comment ends with it
  kSemicolon,  // ends a statement too
  kIdent,      // [A-Za-z_][A-Za-z0-9_]*, or a node name after '@'
  kClassName,  // the word after '::', which may hold '.' and ':' (py:pkg.mod.Class)
  kInt,
  kFloat,
  kString,       // `text` is the decoded value
  kColonColon,   // ::
  kColon,        // :
  kComma,        // ,
  kDot,          // .
  kDotDot,       // .. (a range: `members: 1..8`)
  kArrow,        // ->
  kDoubleArrow,  // =>
  kAt,           // @
  kStar,         // * (`policy * { ... }`: every element)
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kParamRef,  // $name inside a compound's body; `text` is the name
  kError,  // `text` is the message; the position is where the problem starts
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // spelling; the decoded value of a string; the message of an error
  int64_t int_value = 0;
  double float_value = 0;
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// The whole text as tokens, always ending with one kEnd. Errors are tokens,
// so that the parser reports them in order with its own and then recovers.
//
// Words are lexed by context, because the parser alone could not glue
// them back together: the word after '::' is a class name (py:pkg.mod.Class
// is one token), and so is the word after `:: shard` (the member class of a
// shard); the word after '@' is a node name, which may hold '-' and '.' like
// host names do. An int followed by '..' ends before it (`1..8` is 1, '..',
// 8, not the number "1.").
std::vector<Token> Tokenize(std::string_view text);

// How a token is named in "expected X, found Y" messages: 'src', '->',
// string "abc", end of line, end of file.
std::string DescribeToken(const Token& token);

}  // namespace datablox::dsl
