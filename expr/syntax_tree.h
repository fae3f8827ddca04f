// The compiled form of an expression: a flat vector of nodes that refer to
// their operands by index, built by the parser and walked by the evaluator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "expr/functions.h"
#include "expr/value.h"

namespace datablox::expr {

enum class Op : uint8_t {
  kLiteral,
  kField,
  kNeg,
  kNot,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kCall,
};

// The operator as written, for the evaluator's messages: "+", "<=", ...
inline const char* OpSymbol(Op op) {
  switch (op) {
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    default: return "?";
  }
}

struct Node {
  Op op = Op::kLiteral;
  Func func = Func::kUpper;  // kCall only
  int32_t lhs = -1;          // operand of unary ops, left of binary ones
  int32_t rhs = -1;
  Val literal;                    // kLiteral, except the text of a string
  std::string literal_text;       // kLiteral of a string: its decoded text
  std::vector<std::string> path;  // kField: the keys, outermost first
  std::vector<int32_t> args;      // kCall
  // Levels of the tree from here down (a leaf is 1): evaluation recurses
  // this deep, so the parser keeps it within kMaxExprDepth.
  int32_t height = 1;
};

// One compiled expression: its nodes, operands before the nodes that use
// them, and the index of the root.
struct Program {
  std::vector<Node> nodes;
  int32_t root = -1;
};

}  // namespace datablox::expr
