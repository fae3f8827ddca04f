// The compiled tree's depth limit (kMaxExprDepth): evaluation recurses once
// per level, so an expression deeper than that must fail to compile, however
// it gets deep (parentheses, calls, or a long chain of operators).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "datablox/expr.h"
#include "datablox/log.h"

namespace datablox {
namespace {

// "seq + seq + ... + seq >= 0" with `terms` terms: a tree terms + 1 levels deep.
std::string Chain(int terms) {
  std::string text = "seq";
  for (int i = 1; i < terms; ++i) text += " + seq";
  return text + " >= 0";
}

OwnedLog SeqLog(int64_t seq) {
  LogBuilder b;
  b.add("seq", seq);
  return OwnedLog(std::string(b.bytes()));
}

TEST(ExprDepthLimitTest, FifteenThousandChainedTermsAreACompileErrorNotACrash) {
  Expr expr;
  ExprError error;
  Status st = Expr::Compile(Chain(15000), &expr, &error);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(error.message.find("nested too deeply (more than 200 levels"), std::string::npos) << error.message;
  // At the operator that went one level too far, the 200th '+': after "seq",
  // 199 times " + seq" and a space (1-based).
  EXPECT_EQ(error.column, 3 + 199 * 6 + 1 + 1);
}

TEST(ExprDepthLimitTest, ChainAtTheLimitCompilesAndEvaluates) {
  Expr expr;
  Status st = Expr::Compile(Chain(kMaxExprDepth - 1), &expr);
  ASSERT_TRUE(st.ok()) << st.message();
  OwnedLog log = SeqLog(1);
  EXPECT_TRUE(expr.Test(log.log()));
  EXPECT_FALSE(Expr::Compile(Chain(kMaxExprDepth), &expr).ok());
}

TEST(ExprDepthLimitTest, DeepCallsAndNegationsAreCompileErrors) {
  std::string calls;
  for (int i = 0; i < 15000; ++i) calls += "abs(";
  calls += "seq" + std::string(15000, ')');
  Expr expr;
  EXPECT_FALSE(Expr::Compile(calls, &expr).ok());
  EXPECT_FALSE(Expr::Compile(std::string(15000, '!') + "seq", &expr).ok());
  EXPECT_FALSE(Expr::Compile(std::string(15000, '-') + "seq", &expr).ok());
}

TEST(ExprDepthLimitTest, AssignmentsWithALongChainAreACompileError) {
  std::vector<Assignment> assignments;
  ExprError error;
  Status st = CompileAssignments("x = 1, y = " + Chain(15000), &assignments, &error);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(error.message.find("nested too deeply"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace datablox
