// Tokens of the expression language. Literals (strings, numbers) are
// scanned by expr/literal_scanner.h, which the topology lexer shares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::expr {

enum class Tok : uint8_t {
  kEnd,
  kInt,
  kFloat,
  kString,
  kIdent,  // possibly dotted: `user.name`
  kTrue,
  kFalse,
  kNil,
  kLParen,
  kRParen,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEqEq,
  kNotEq,
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kAndAnd,
  kOrOr,
  kBang,
  kAssign,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t begin = 0;  // byte offsets into the source
  size_t end = 0;
  uint64_t int_value = 0;  // kInt: may be 2^63 until a '-' claims it
  double float_value = 0;
  std::string text;  // kString: decoded text; kIdent: the name
};

// A mistake at a byte offset of the source (the parser's too).
struct CompileError {
  size_t offset = 0;
  std::string message;
};

// Lexes the whole text; the last token is kEnd. Stops at the first error.
bool Lex(std::string_view source, std::vector<Token>* tokens, CompileError* error);

}  // namespace datablox::expr
